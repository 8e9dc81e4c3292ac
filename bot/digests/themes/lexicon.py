"""A small thesaurus of what systems-change partnerships talk about, for grouping entries.

People name the same thing in many ways ("GDPR", "consent form", "information governance"), and
a batch of short reflections rarely repeats a word often enough for word counts alone to see it.
Each concept below lists words and short phrases (all their words anywhere in one entry) that
point to it. Words match as written, whole, in any case, with a plural "-s", "-es" or "-ies" as
well, but not through the stemmer: "train" must not catch "training", nor "lift" "lifted". An
entry that uses them carries the concept as one more term, so entries about the same thing meet
even when they share no word. Concepts only help grouping: a theme's label is always made of its
entries' own words. Entries about anything not listed here still group by the words they share.
A partnership can pass its own mapping to `find_themes(lexicon=...)`, or `{}` for words alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.digests.themes.words import Words

Lexicon = Mapping[str, str]  # concept -> comma-separated words and phrases
TAG = "#"  # a concept term is its name after this mark, which no stem can start with

DOMAIN_LEXICON: Lexicon = {
    "referrals": """
        refer, refers, referred, referring, referral, referrer, re-refer, re-referral,
        re-referring, signpost, signposted, signposting, triage, intake, form, paperwork,
        eligibility, eligible, criteria, threshold, front door, single point of access,
        handover, hand-off, pathway, request for support, bounced, rejected, declined, portal,
        screening, gateway, caseworker, case worker, assessment form, waiting to be seen
    """,
    "information sharing": """
        gdpr, dpo, consent, confidential, confidentiality, privacy, data protection,
        information governance, information sharing, data sharing, sharing agreement,
        protocol, database, record, case notes, case management, software, spreadsheet,
        dashboard, anonymised, anonymise, encrypted, unencrypted, disclose, disclosure,
        caldicott, lawful, legal basis, export, dataset, data, details, information
    """,
    "funding": """
        fund, funds, funded, funding, funder, grant, budget, commission, commissioned,
        commissioning, commissioner, contract, tender, tendering, procurement, bid, bidding,
        finance, financial, underspend, overspend, lottery, match funding, pot, investment,
        payment by results, core costs, sustainability, short-term funding, provider, income
        generation, donation, donor, endowment, funding cuts, budget cuts, money
    """,
    "volunteers": """
        volunteer, volunteered, volunteering, befriender, helper, mentor, mentoring, rota,
        recruit, recruited, recruiting, recruitment, retention, induction, dbs, coordinator,
        unpaid, expenses, taster session, buddy, buddies
    """,
    "housing": """
        housing, homeless, homelessness, tenancy, tenancies, tenant, landlord, rent, renting,
        eviction, evicted, accommodation, hostel, shelter, bed and breakfast, flat, property,
        properties, housing register, allocations, banding, band, move-on, overcrowding,
        overcrowded, sofa surfing, rough sleeping, sleeping rough, slept rough, priority need,
        arrears, housing benefit, housing allowance, social housing, supported housing, empty
        homes, mortgage, repossession, household, rehoused, rehousing
    """,
    "trust and relationships": """
        trust, trusted, trusting, distrust, mistrust, suspicion, suspicious, relationship,
        relational, rapport, honest, honesty, openness, candid, respect, credibility, credible,
        goodwill, good intent, blame, blaming, apology, apologised, apologise, tension, conflict,
        wary, guarded, face to face, continuity, familiar, shadowing, partnership working
    """,
    "transport and access": """
        transport, bus, bus pass, train fare, fare, travel, travelling, journey, taxi, lift,
        lift-sharing, car, driver, driving, parking, minibus, van, rural, village, miles,
        distance, walking distance, cycling, bike, wheelchair, step-free, accessible,
        accessibility, ramp, station, dial-a-ride, opening hours, venue, route, housebound,
        pushchair
    """,
    "mental health": """
        mental health, wellbeing, anxiety, anxious, depression, depressed, stress, stressed,
        crisis, counselling, counsellor, therapy, therapies, therapist, camhs, psychiatric,
        psychiatrist, psychologist, psychology, trauma, trauma-informed, suicide, suicidal,
        self-harm, grief, bereavement, distress, distressed, low mood, mood, emotional, panic,
        ptsd, talking therapies, medication, peer support, breakdown, sectioned
    """,
    "digital": """
        digital, online, internet, wifi, broadband, website, web, app, smartphone, tablet,
        laptop, computer, device, mobile data, sim, password, login, scam, video call, video,
        zoom, technology, tech, browser, download, upload, screen, email address, online form,
        digital skills, data poverty
    """,
    "schools": """
        school, teacher, headteacher, head teacher, head of year, pupil, classroom, class,
        senco, special educational needs, education, attendance, exclusion, excluded, academy,
        primary, secondary, school nurse, homework, pastoral, termly, school holidays, free
        school meals, curriculum, tutor, governors, school gate, nursery, college
    """,
    "loneliness and connection": """
        lonely, loneliness, alone, isolated, isolation, connection, connected, connecting,
        friend, friendship, neighbour, companionship, befriending, social prescribing, lunch
        club, coffee morning, natter, chat, belong, belonging, widow, widower, bereaved,
        men's shed, community garden, intergenerational, singing, craft, knit, knitting,
        living alone
    """,
    "involvement": """
        lived experience, expert by experience, experts by experience, co-production,
        co-produce, co-produced, co-design, co-designed, involve, involved, involvement,
        participation, participate, voice, listen, listening, consult, consulted, consultation,
        engagement, engage, feedback, panel, board, representation, represent, survey, views,
        peer researcher, tokenism, tokenistic, service user, citizens, forum, residents
    """,
    "money and cost of living": """
        benefits, universal credit, debt, poverty, income, wages, bills, energy, heating,
        fuel, food bank, foodbank, hunger, hungry, cost of living, arrears, budgeting, money
        advice, welfare, sanctions, payday, pounds, afford, affordable, low income
    """,
    "workforce": """
        staffing, workload, caseload, burnout, burnt out, exhausted, capacity, vacancy,
        vacancies, turnover, sickness, off sick, supervision, shortage, overwhelmed, stretched,
        agency staff, frontline staff, staff wellbeing
    """,
    "safeguarding": """
        safeguarding, abuse, domestic abuse, domestic violence, exploitation, neglect, child
        protection, harm, missing from home, grooming, coercive, police, social worker, social
        care, care leaver
    """,
    "health services": """
        gps, doctor, hospital, nurse, clinic, nhs, discharge, discharged, appointment,
        prescription, pharmacy, dentist, health visitor, primary care, surgery, ambulance,
        ward
    """,
    "work and skills": """
        job, employment, employer, jobcentre, unemployed, apprenticeship, interview,
        interviewed, skills, qualification
    """,
    "substance use": """
        drug, alcohol, drinking, addiction, recovery, sober, detox, substance, substance use,
        overdose, needle exchange
    """,
}


Forms = tuple[str, ...]  # a word and its plurals


@dataclass(frozen=True, slots=True)
class Concepts:
    """A lexicon ready for matching: a word to (concept term, the other words its phrase needs)."""

    rules: Mapping[str, tuple[tuple[str, tuple[Forms, ...]], ...]]
    words: frozenset[str] = frozenset()

    @classmethod
    def build(cls, lexicon: Lexicon, known: Words) -> Concepts:
        """Clean every word and phrase; stop words in a phrase are ignored.

        Raises ValueError for an entry left with no word once stop words are taken out.
        """
        rules: dict[str, list[tuple[str, tuple[Forms, ...]]]] = {}
        for concept in sorted(lexicon):
            term = TAG + concept
            for entry in lexicon[concept].split(","):
                found = [w for w in map(known.__getitem__, entry.lower().split()) if w]
                if not found:
                    if entry.strip():
                        raise ValueError(f"lexicon entry {entry.strip()!r} has no meaningful word")
                    continue
                needed = tuple(_forms(w) for w in found[1:])
                for form in _forms(found[0]):
                    rule = (term, needed)
                    if rule not in rules.setdefault(form, []):
                        rules[form].append(rule)
        ready = {word: tuple(found) for word, found in sorted(rules.items())}
        return cls(ready, frozenset(ready))

    def of(self, found: set[str]) -> set[str]:
        """The concept terms pointed to by an entry with these (cleaned) words."""
        tags: set[str] = set()
        rules = self.rules
        for word in found & self.words:
            for term, needed in rules[word]:
                if all(any(f in found for f in forms) for forms in needed):
                    tags.add(term)
        return tags


def _forms(word: str) -> Forms:
    """A word with its plural spellings."""
    forms = [word, word + "s", word + "es"]
    if word.endswith("y") and len(word) > 3:
        forms.append(word[:-1] + "ies")
    return tuple(forms)
