"""Does a contribution to an action learning set read as advice rather than a question?

During the questions phase of a set, peers ask questions that leave the presenter free to think;
advice ("you should ...", "have you tried ...?", "couldn't you just ...?") gets a gentle private
nudge instead. This module only judges the words; it is small, offline and deterministic.

How it reads a contribution:

1. `normalise` lower-cases it, straightens curly quotes, expands contractions ("couldn't" ->
   "could not", "I'd" -> "i would") and turns negative questions into one order ("could not you"
   -> "could you not"), so every rule sees one spelling.
2. The text is cut into sentences, a trailing tag ("..., wouldn't you?", "..., right?") is cut off
   (a tag does not turn a suggestion into a question), and each sentence into clauses at commas.
3. Each clause loses its fillers ("so", "honestly", "I think") and is tried against the advice
   patterns, then the question patterns. Most patterns are anchored at the start of the clause,
   so "what do you think you should do?" stays a question while "you should ..." is advice; the
   few that may match anywhere ("have you tried") skip clauses that open with what, how, who ...
4. Any advice clause makes the whole contribution advice; otherwise any question makes it a
   question; anything else (thanks, sympathy) is "other".

The rules are general English patterns, not a list of sentences; tests/data/als_contributions.toml
holds labelled examples and tests/test_advice.py measures the accuracy on them. The rules are
tuned to leave genuine questions alone: a miss means only that no nudge is sent, while a wrong
nudge would tell someone off for asking well. Advice in a phrasing no rule foresees ("sounds
like a job for the safety partnership") goes unnoticed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

logger = logging.getLogger(__name__)

Kind = Literal["question", "advice", "other"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a contribution reads as, and the rule that decided it (for logs, never shown)."""

    kind: Kind
    reason: str

    @property
    def is_advice(self) -> bool:
        return self.kind == "advice"


def _words(alternatives: str) -> str:
    """A regex group of '|'-separated alternatives (each may itself be a small regex)."""
    return f"(?:{alternatives})"


WH = _words("what|how|who|whom|whose|when|where|which|why")
SUBJECT = _words("i|you|we|they|he|she|it|there|that|this")
AUX = _words(
    "do|does|did|is|are|was|were|am|have|has|had|can|could|would|will|should|shall|might|may|must"
)
# Verbs that ask the presenter to think or say more, not to act: "can you say more ...?"
REFLECT = _words(
    "say|tell (?:us|me)|describe|explain|share (?:more|a bit|what|how|why)|expand|unpack|"
    "clarify|walk (?:us|me) through|talk (?:us|me) through|help (?:us|me)|"
    "give (?:us|me) an example|remember|recall|think of (?:a|an|one|any)|imagine|picture|see|name|"
    "identify|put (?:it|that) (?:another way|in words)|feel"
)
# Phrases that invite the presenter to say more: "tell us more about ...", "say more".
INVITE = _words(
    "say more|tell (?:us|me) (?:more|a bit|about|what|how|why|who|when|where)|describe|"
    "explain|expand|unpack|clarify|walk (?:us|me) through|talk (?:us|me) through|"
    "help (?:us|me) (?:understand|see)|give (?:us|me) an example|share (?:more|a bit)"
)
# Verbs of feeling or knowing: "why don't you feel able to ...?" is a question, not a push.
STATE = _words("feel|think|want|like|trust|believe|know|see|have|agree")
# Verbs that start an instruction when they open a clause: "talk to your manager".
IMPERATIVE = _words(
    "ask|talk|speak|ring|call|phone|email|e mail|write|text|tell|invite|try|go|get|contact|"
    "send|book|arrange|organise|organize|escalate|push|involve|bring|put|take|give|keep|"
    "stop|start|let|consider|focus|look|find|check|use|share|raise|wait|leave|avoid|apply|"
    "chase|flag|offer|meet|set|sit|reach|pick|step|remember|forget|think about|make|be|"
    "do not|never|always|see if|see whether|hand|write down|listen|lean|pull|stick|follow|"
    "challenge"
)
# Verbs that are as often nouns ("plan B would be ..."): an instruction only before an object.
OBJECT_VERB = _words(
    "plan|map|record|document|test|pilot|run|trust|drop|cut|copy|loop|change|help|support|"
    "work|build|fund|visit"
)
OBJECT = _words(
    "the|a|an|your|their|them|it|this|that|these|those|some|all|every|everyone|out|up|in|"
    "back|with|who|what|how"
)
# A word after an opening verb that shows the verb was really a noun: "work has been mad".
NOT_AFTER_IMPERATIVE = _words(
    "is|was|are|were|has|have|had|will|would|can|could|seems|feels|looks|of"
)
# What a leading "have you ...?" asks whether the presenter has already done.
DONE = _words(
    rf"tried|considered|thought (?:about|of) (?!{WH}\b|whether\b)|looked (?:at|into)|spoken|"
    "talked|asked|contacted|approached|explored|checked|got in touch|reached out|rung|"
    "called|emailed|written|invited|suggested|offered|told|shared|raised|mentioned|flagged|"
    "escalated|gone to|been to|visited|applied"
)
PAST = r"(?:\w+ed|told|went|spoke|got|wrote|took|brought|gave|sent|made|met|rang|put|let|sat)"

FILLERS = re.compile(
    r"^(?:so|well|ok|okay|and|but|also|hmm+|um+|erm+|oh|yeah|anyway|"
    r"thanks|thank you|cheers|honestly|really|personally|genuinely|frankly|to be honest|"
    r"i mean|out of interest|out of curiosity|just wondering|just to (?:check|clarify|be clear)|"
    r"(?:and |but )?(?:i|we) (?:really )?(?:think|feel|reckon|believe|guess|suspect|would say|"
    r"would think)(?: that)?|reckon|i guess)\b\s*"
)
QUESTION_FRAME = re.compile(
    r"^(?:i am (?:really |just )?(?:curious|interested|wondering)|"
    r"i would (?:love|like|be (?:interested|curious|keen)) to (?:know|hear|understand|ask)|"
    r"i wonder|(?:can|could|may) (?:i|we) ask)\b"
)
TAG = re.compile(
    rf"(?:,\s*(?:{AUX} {SUBJECT}(?: not)?|right|yes|no|eh|ok|okay|surely)"
    rf"|\s+{AUX} {SUBJECT} not)\s*$"
)

# "You've tried the helpline, haven't you?": with a tag, a statement of what was done leads.
LEADING_STATEMENT = re.compile(rf"^you (?:have|had) (?:already |not |also )*{DONE}\b")


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern that marks a clause as advice; `anywhere` rules skip clauses that open with
    what/how/who..., so "what have you tried?" is not caught by "have you tried"."""

    reason: str
    pattern: re.Pattern[str]
    anywhere: bool = False

    def finds(self, clause: str, *, wh_led: bool) -> bool:
        if self.anywhere:
            return not wh_led and self.pattern.search(clause) is not None
        return self.pattern.match(clause) is not None


def _rule(reason: str, *alternatives: str, anywhere: bool = False) -> Rule:
    return Rule(reason, re.compile("|".join(f"(?:{a})" for a in alternatives)), anywhere)


ADVICE: tuple[Rule, ...] = (
    _rule(
        "suggestion from experience",
        r"if (?:i|it) (?:were|was) (?:you|me)\b",
        r"in your (?:shoes|position|place)\b",
        r"(?:in|from) (?:my|our) experience\b",
        r"what (?:worked|helped) for (?:me|us)\b",
        r"what (?:i|we) did\b",
        r"(?:i|we) (?:have )?found (?:that )?(?:it )?(?:helps|works|useful)\b",
    ),
    _rule(
        "'what you need to do is'",
        r"what (?:you|we|i) (?:\w+ ){0,3}do is\b",
        r"the (?:answer|trick|solution|way forward) (?:to do |for you |here )?is\b",
        r"(?:the )?(?:best|obvious|only|first|simplest|easiest|right|next|sensible|quickest) "
        r"(?:thing|move|step|option|approach|way|answer|place to start)"
        r"(?: to do| for you| here)? (?:is|would be)\b",
    ),
    _rule(
        "'my advice'",
        r"(?:my|our|one) (?:advice|suggestion|tip|recommendation)\b",
        r"(?:i|we) (?:would )?(?:suggest|recommend|advise)\b",
    ),
    _rule(
        "'why don't you'",
        r"why not\b",
        r"why (?:would|could|can|should) you not\b",
        rf"why do you not (?!{STATE}\b)",
    ),
    _rule(
        "negative leading question",
        r"(?:could|can|would|should|might|must|will) "
        r"(?:(?!(?:do|does|did|be|is|are|was|were)\b)\w+ ){0,4}not\b",
        r"(?:do|does|did) you not (?:think|reckon|agree|consider|believe)\b",
        r"(?:is|was) (?:it |that |there |this )?not (?!\w+ing\b)",
    ),
    _rule(
        "'have you tried'",
        rf"\b(?:have|had) you (?:ever |already |not |yet |also )*{DONE}\b",
        r"\b(?:have|had) you (?:already )?got (?:\w+ ){1,5}"
        r"(?:involved|on board|together|in touch|round the table|in the room)\b",
        r"\b(?:have|had) you (?:ever |already |yet )*had (?:a|the|an) (?:chance|opportunity) to\b",
        rf"\bever (?:thought (?:about|of) (?!{WH}\b|whether\b)|considered|tried)\b",
        anywhere=True,
    ),
    _rule(
        "'did you try'", r"(?:did|do) you (?:ever )?(?:try|consider|think (?:about|of)) \w+ing\b"
    ),
    _rule(
        "'could you ...?' suggestion",
        rf"(?:could|can|might) you (?:just |maybe |perhaps |possibly |also )?(?!{REFLECT}\b)\w+",
    ),
    _rule(
        "'would you consider'",
        r"would you (?:ever )?(?:consider|think about|be (?:willing|prepared|open) to)\b",
    ),
    _rule(
        "'wouldn't it be easier'",
        r"(?:would|could|might|will|is|was) (?:it|that|this) (?:not )?(?:be )?(?:worth|better|"
        r"easier|simpler|quicker|safer|wiser|sensible|a good idea|helpful|useful|help)\b",
        r"(?:it (?:would|might|could|may|will)|would|might|could|may) "
        r"(?:probably |definitely |well )?be "
        r"(?!good to (?:hear|know|understand))(?:\w+ ){1,2}to\b",
        r"it (?:might|may|could|would) (?:help|pay) to\b",
        r"it is (?:probably |usually |always |often |really |definitely )*(?:best|better|wise|"
        r"worth|a good idea|sensible|important to|essential|vital|key to)\b",
        r"it (?:might|may|could|would|will) (?:well |probably |definitely )?be worth\b",
        r"(?:probably |definitely )?worth \w+ing\b",
        r"(?:probably |definitely |maybe |much |far )?(?:better|best|easier|safer|wiser) "
        r"(?:to|if|not to)\b",
    ),
    _rule(
        "'would X help?'",
        r"(?:would|could|might|will) (?:a|an|the|some|more|another|\w+ing) (?:\w+ ){0,6}?"
        r"(?:help|work|make a difference|be (?:better|easier|worth it))\b",
    ),
    _rule(
        "'X would help'",
        r"^(?!.*\b(?:not sure|doubt|do not think|did not)\b).*"
        r"\b(?:would|could|might|will) (?:probably |definitely |really |surely )?"
        r"(?:help|work better|be better|be easier|sort (?:\w+ )?out|solve|fix|"
        r"make (?:a|the|all the) difference)\b",
        r"^(?!.*\b(?:not sure|doubt|do not think|did not)\b).*"
        r"\b(?:would|could|might|will) (?:\w+ ){0,2}better than\b",
        anywhere=True,
    ),
    _rule("leading 'surely'", r"surely\b"),
    _rule("'no harm in'", r"(?:there is |there would be )?no harm in\b"),
    _rule(
        "'if you did, it would'",
        rf"if you (?:just |simply |only )?(?!could\b|were\b|was\b|had\b|did not\b|do not\b)\w+ "
        rf"(?!.*\b{WH}\b).*\b(?:would|will)\b",
    ),
    _rule(
        "'what about ...?'",
        r"(?:what|how) about\b",
        rf"what if (?:you|we) (?:just |simply )?{PAST}\b",
    ),
    _rule(
        "'you should'",
        r"(?:you|we) (?:really |probably |definitely |just |also |maybe |perhaps |still |always |"
        r"then )*(?:should|ought to|must|need|have to|have got to|had better|could|"
        r"might (?:want|like|consider|try|need)|may (?:want|wish|like)|"
        r"would (?:be better|do well|benefit)|would (?:\w+ ){0,2}(?:further|more luck)|"
        r"will (?:need|want|have) to|"
        r"do not (?:need|have) to)\b",
    ),
    _rule(
        "'i would'",
        r"(?:i|we) (?:would|might) (?:probably |definitely |personally |just |also |then |"
        r"honestly |not |never |really |always )*(?!like\b|love\b|"
        r"be (?:interested|curious|keen|glad|happy to (?:hear|know)))\w+",
    ),
    _rule(
        "'i wonder if you could'",
        r"i (?:wonder|am wondering) (?:if|whether) (?:you|we|it) "
        r"(?:could|might|should|can|would|will|need)\b",
    ),
    _rule(
        "'maybe try'",
        rf"(?:maybe|perhaps|possibly) (?!i\b|not\b|{WH}\b|(?:you|we) (?:are|were|feel|felt)\b)",
    ),
    _rule("'just ...'", r"just\b"),
    _rule("'let us'", r"let us\b"),
    _rule(
        "instruction",
        rf"(?!{INVITE}\b)(?:{IMPERATIVE})\b(?! {NOT_AFTER_IMPERATIVE}\b)",
        rf"{OBJECT_VERB} {OBJECT}\b",
    ),
)

QUESTION: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("asks the presenter to say more", re.compile(rf"^(?:(?:can|could|would) you )?{INVITE}\b")),
    ("open question", re.compile(rf"^{WH}\b(?! {SUBJECT}\b)")),
    ("closed question", re.compile(rf"^{AUX} (?:not )?(?:{SUBJECT}|the|a|an|any|your|our)\b")),
)


def normalise(text: str) -> str:
    """One spelling for the rules: lower case, plain quotes, contractions expanded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[‘’ʼ`´]", "'", text)
    text = re.sub(r"\s[-–—]+\s|…", ", ", text)
    for pattern, replacement in (
        (r"\bwon't\b", "will not"),
        (r"\bcan't\b|\bcannot\b", "can not"),
        (r"\bshan't\b", "shall not"),
        (r"\bain't\b", "is not"),
        (r"n't\b", " not"),
        (r"\blet's\b", "let us"),
        (r"'d better\b", " had better"),
        (r"'d\b", " would"),
        (r"'ll\b", " will"),
        (r"'ve\b", " have"),
        (r"'re\b", " are"),
        (r"\bi'm\b", "i am"),
        (r"\b(it|that|what|who|where|when|how|there|here|he|she|this)'s\b", r"\1 is"),
        (r"'s\b", ""),
        (r"'", ""),
    ):
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[^a-z0-9?.!;:,\s]", " ", text)
    text = re.sub(rf"\b({AUX}) not (you|it|we|they|that|there|he|she|this)\b", r"\1 \2 not", text)
    return re.sub(r"\s+", " ", text).strip()


def _sentences(text: str) -> list[tuple[str, bool]]:
    """Sentences of normalised text, each with whether it ended in a question mark."""
    parts = re.split(r"([.!?;:]+)", text)
    sentences = []
    for body, end in zip(parts[::2], [*parts[1::2], ""], strict=True):
        body = body.strip(" ,")
        if body:
            sentences.append((body, "?" in end))
    return sentences


def _strip_fillers(clause: str) -> str:
    while True:
        shorter = FILLERS.sub("", clause, count=1).strip()
        if shorter == clause:
            return clause
        clause = shorter


def _judge_clause(clause: str) -> Verdict | None:
    clause = _strip_fillers(clause)
    if not clause:
        return None
    wh_led = re.match(rf"{WH}\b", clause) is not None
    for rule in ADVICE:
        if rule.finds(clause, wh_led=wh_led):
            return Verdict("advice", rule.reason)
    if QUESTION_FRAME.match(clause):
        return Verdict("question", "wonders aloud")
    for reason, pattern in QUESTION:
        if pattern.match(clause):
            return Verdict("question", reason)
    return None


def _judge_sentence(sentence: str, asked: bool) -> Verdict | None:
    tagged = TAG.search(sentence)
    if tagged and tagged.start() > 0:
        sentence = sentence[: tagged.start()]
        if LEADING_STATEMENT.match(_strip_fillers(sentence)):
            return Verdict("advice", "'you have tried ..., haven't you?'")
    question: Verdict | None = None
    for clause in sentence.split(","):
        verdict = _judge_clause(clause.strip())
        if verdict is not None and verdict.is_advice:
            if tagged:
                return Verdict("advice", f"{verdict.reason}, with a tag question")
            return verdict
        question = question or verdict
    if question is None and (asked or tagged):
        return Verdict("question", "ends in a question mark")
    return question


def classify(text: str) -> Verdict:
    """Read a contribution as advice, a question or neither, and say which rule decided."""
    question: Verdict | None = None
    for sentence, asked in _sentences(normalise(text)):
        verdict = _judge_sentence(sentence, asked)
        if verdict is not None and verdict.is_advice:
            logger.debug("contribution reads as advice: %s", verdict.reason)
            return verdict
        question = question or verdict
    return question or Verdict("other", "neither a question nor a suggestion")


def reads_as_advice(text: str) -> bool:
    """True when a contribution reads as advice, so the author gets a gentle private nudge."""
    return classify(text).is_advice
