--
-- PostgreSQL database dump
--

\restrict MQvGxCfydYNZgnXJzWD7fcafvEgXN6mTQ6cGdjsdO4MKrIhuOr8pm9XhYfoocFV

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: blocker_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.blocker_changes (
    id integer NOT NULL,
    blocker_id integer NOT NULL,
    status character varying(16) NOT NULL,
    note character varying NOT NULL,
    person_id integer,
    at timestamp with time zone NOT NULL
);


--
-- Name: blocker_changes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.blocker_changes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: blocker_changes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.blocker_changes_id_seq OWNED BY public.blocker_changes.id;


--
-- Name: blockers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.blockers (
    id integer NOT NULL,
    entry_id integer NOT NULL,
    circle_id character varying NOT NULL,
    kind character varying(16) NOT NULL,
    status character varying(16) NOT NULL,
    note character varying NOT NULL,
    raised_by integer,
    taken_by integer,
    raised_at timestamp with time zone NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone,
    flagged_at timestamp with time zone,
    reported_at timestamp with time zone
);


--
-- Name: blockers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.blockers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: blockers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.blockers_id_seq OWNED BY public.blockers.id;


--
-- Name: circles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.circles (
    id character varying(64) NOT NULL,
    name character varying NOT NULL,
    kind character varying(20) NOT NULL,
    timezone character varying(64) NOT NULL
);


--
-- Name: consents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.consents (
    id integer NOT NULL,
    entry_id integer NOT NULL,
    person_id integer,
    visibility character varying(16) NOT NULL,
    anonymous boolean NOT NULL,
    wording character varying NOT NULL,
    chosen_at timestamp with time zone NOT NULL
);


--
-- Name: consents_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.consents_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: consents_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.consents_id_seq OWNED BY public.consents.id;


--
-- Name: digests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.digests (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    kind character varying(16) NOT NULL,
    period_start timestamp with time zone NOT NULL,
    period_end timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    markdown character varying NOT NULL,
    people integer NOT NULL,
    entries integer NOT NULL
);


--
-- Name: digests_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.digests_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: digests_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.digests_id_seq OWNED BY public.digests.id;


--
-- Name: entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.entries (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    person_id integer,
    prompt_run_id integer,
    kind character varying(32) NOT NULL,
    text character varying NOT NULL,
    visibility character varying(16) NOT NULL,
    anonymous boolean NOT NULL,
    platform character varying(32) NOT NULL,
    source_ref character varying(256) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: entries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.entries_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: entries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.entries_id_seq OWNED BY public.entries.id;


--
-- Name: erasures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.erasures (
    id integer NOT NULL,
    person_id integer NOT NULL,
    mode character varying(16) NOT NULL,
    applied_at timestamp with time zone NOT NULL
);


--
-- Name: erasures_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.erasures_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: erasures_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.erasures_id_seq OWNED BY public.erasures.id;


--
-- Name: experiment_leads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.experiment_leads (
    id integer NOT NULL,
    experiment_id integer NOT NULL,
    person_id integer NOT NULL
);


--
-- Name: experiment_leads_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.experiment_leads_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: experiment_leads_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.experiment_leads_id_seq OWNED BY public.experiment_leads.id;


--
-- Name: experiment_updates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.experiment_updates (
    id integer NOT NULL,
    experiment_id integer NOT NULL,
    stage character varying(16) NOT NULL,
    text character varying NOT NULL,
    person_id integer,
    entry_id integer,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: experiment_updates_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.experiment_updates_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: experiment_updates_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.experiment_updates_id_seq OWNED BY public.experiment_updates.id;


--
-- Name: experiments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.experiments (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    title character varying(200) NOT NULL,
    prediction character varying NOT NULL,
    stage character varying(16) NOT NULL,
    result character varying NOT NULL,
    decision character varying(16) NOT NULL,
    review_date date NOT NULL,
    previous_id integer,
    created_by integer,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    nudged_at timestamp with time zone
);


--
-- Name: experiments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.experiments_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: experiments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.experiments_id_seq OWNED BY public.experiments.id;


--
-- Name: identities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identities (
    id integer NOT NULL,
    person_id integer NOT NULL,
    platform character varying(32) NOT NULL,
    team_id character varying(64) NOT NULL,
    user_id character varying(128) NOT NULL,
    display_name character varying NOT NULL,
    dm_chat character varying(128) NOT NULL,
    dm_active boolean NOT NULL
);


--
-- Name: identities_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.identities_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: identities_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.identities_id_seq OWNED BY public.identities.id;


--
-- Name: learning_notes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.learning_notes (
    id integer NOT NULL,
    round_id integer NOT NULL,
    person_id integer NOT NULL,
    kind character varying(16) NOT NULL,
    text character varying NOT NULL,
    advice boolean NOT NULL,
    platform character varying(32) NOT NULL,
    source_ref character varying(256) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: learning_notes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.learning_notes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: learning_notes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.learning_notes_id_seq OWNED BY public.learning_notes.id;


--
-- Name: learning_passes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.learning_passes (
    id integer NOT NULL,
    round_id integer NOT NULL,
    person_id integer NOT NULL,
    passed_at timestamp with time zone NOT NULL
);


--
-- Name: learning_passes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.learning_passes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: learning_passes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.learning_passes_id_seq OWNED BY public.learning_passes.id;


--
-- Name: learning_rounds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.learning_rounds (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    number integer NOT NULL,
    scheduled_for timestamp with time zone NOT NULL,
    presenter_id integer,
    phase character varying(16) NOT NULL,
    phase_ends_at timestamp with time zone NOT NULL,
    presented_at timestamp with time zone,
    action character varying NOT NULL,
    follow_up_of integer,
    followed_up boolean NOT NULL,
    closed_at timestamp with time zone
);


--
-- Name: learning_rounds_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.learning_rounds_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: learning_rounds_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.learning_rounds_id_seq OWNED BY public.learning_rounds.id;


--
-- Name: maturity_agreed; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.maturity_agreed (
    id integer NOT NULL,
    round_id integer NOT NULL,
    dimension character varying(32) NOT NULL,
    score integer NOT NULL,
    reason character varying NOT NULL,
    agreed_at timestamp with time zone NOT NULL
);


--
-- Name: maturity_agreed_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.maturity_agreed_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: maturity_agreed_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.maturity_agreed_id_seq OWNED BY public.maturity_agreed.id;


--
-- Name: maturity_rounds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.maturity_rounds (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    closes_at timestamp with time zone NOT NULL,
    closed_at timestamp with time zone,
    threshold integer NOT NULL,
    focus character varying NOT NULL
);


--
-- Name: maturity_rounds_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.maturity_rounds_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: maturity_rounds_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.maturity_rounds_id_seq OWNED BY public.maturity_rounds.id;


--
-- Name: maturity_scores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.maturity_scores (
    id integer NOT NULL,
    round_id integer NOT NULL,
    person_id integer NOT NULL,
    dimension character varying(32) NOT NULL,
    score integer NOT NULL,
    reason character varying NOT NULL,
    scored_at timestamp with time zone NOT NULL
);


--
-- Name: maturity_scores_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.maturity_scores_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: maturity_scores_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.maturity_scores_id_seq OWNED BY public.maturity_scores.id;


--
-- Name: memberships; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.memberships (
    id integer NOT NULL,
    person_id integer NOT NULL,
    circle_id character varying NOT NULL,
    joined_at timestamp with time zone NOT NULL
);


--
-- Name: memberships_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.memberships_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: memberships_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.memberships_id_seq OWNED BY public.memberships.id;


--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    id integer NOT NULL,
    key character varying(400) NOT NULL,
    kind character varying(16) NOT NULL,
    platform character varying(32) NOT NULL,
    chat character varying(128) NOT NULL,
    topic character varying(64) NOT NULL,
    thread_ref character varying(128) NOT NULL,
    ephemeral_to character varying(128) NOT NULL,
    text character varying NOT NULL,
    buttons character varying NOT NULL,
    part integer NOT NULL,
    parts integer NOT NULL,
    prompt_run_id integer,
    person_id integer,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    not_before timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    sent_ref character varying(128) NOT NULL,
    error character varying NOT NULL
);


--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.outbox_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: outbox_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.outbox_id_seq OWNED BY public.outbox.id;


--
-- Name: people; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.people (
    id integer NOT NULL,
    display_name character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    erased_at timestamp with time zone
);


--
-- Name: people_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.people_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: people_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.people_id_seq OWNED BY public.people.id;


--
-- Name: prompt_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prompt_runs (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    ritual_id character varying(64) NOT NULL,
    prompt_id character varying(64) NOT NULL,
    private boolean NOT NULL,
    scheduled_for timestamp with time zone NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    closes_at timestamp with time zone NOT NULL,
    remind_at timestamp with time zone,
    reminded_at timestamp with time zone
);


--
-- Name: prompt_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.prompt_runs_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: prompt_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.prompt_runs_id_seq OWNED BY public.prompt_runs.id;


--
-- Name: pulse_answers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pulse_answers (
    id integer NOT NULL,
    pulse_id integer NOT NULL,
    person_id integer NOT NULL,
    factor character varying(16) NOT NULL,
    answer character varying(16) NOT NULL,
    answered_at timestamp with time zone NOT NULL
);


--
-- Name: pulse_answers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.pulse_answers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: pulse_answers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.pulse_answers_id_seq OWNED BY public.pulse_answers.id;


--
-- Name: pulse_checks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pulse_checks (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    scheduled_for timestamp with time zone NOT NULL,
    closes_at timestamp with time zone NOT NULL,
    threshold integer NOT NULL,
    reported boolean NOT NULL
);


--
-- Name: pulse_checks_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.pulse_checks_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: pulse_checks_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.pulse_checks_id_seq OWNED BY public.pulse_checks.id;


--
-- Name: rooms; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.rooms (
    id integer NOT NULL,
    circle_id character varying NOT NULL,
    platform character varying(32) NOT NULL,
    chat character varying(128) NOT NULL,
    topic character varying(64) NOT NULL,
    active boolean NOT NULL,
    inactive_reason character varying NOT NULL,
    configured boolean NOT NULL
);


--
-- Name: rooms_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.rooms_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: rooms_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.rooms_id_seq OWNED BY public.rooms.id;


--
-- Name: seen_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.seen_events (
    id integer NOT NULL,
    platform character varying(32) NOT NULL,
    dedup_key character varying(256) NOT NULL,
    seen_at timestamp with time zone NOT NULL
);


--
-- Name: seen_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.seen_events_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: seen_events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.seen_events_id_seq OWNED BY public.seen_events.id;


--
-- Name: story_details; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.story_details (
    entry_id integer NOT NULL,
    title character varying(200) NOT NULL,
    dimensions character varying NOT NULL,
    direction character varying(16) NOT NULL,
    withdrawn_at timestamp with time zone,
    changed_at timestamp with time zone NOT NULL
);


--
-- Name: blocker_changes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocker_changes ALTER COLUMN id SET DEFAULT nextval('public.blocker_changes_id_seq'::regclass);


--
-- Name: blockers id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blockers ALTER COLUMN id SET DEFAULT nextval('public.blockers_id_seq'::regclass);


--
-- Name: consents id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consents ALTER COLUMN id SET DEFAULT nextval('public.consents_id_seq'::regclass);


--
-- Name: digests id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digests ALTER COLUMN id SET DEFAULT nextval('public.digests_id_seq'::regclass);


--
-- Name: entries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entries ALTER COLUMN id SET DEFAULT nextval('public.entries_id_seq'::regclass);


--
-- Name: erasures id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.erasures ALTER COLUMN id SET DEFAULT nextval('public.erasures_id_seq'::regclass);


--
-- Name: experiment_leads id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiment_leads ALTER COLUMN id SET DEFAULT nextval('public.experiment_leads_id_seq'::regclass);


--
-- Name: experiment_updates id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiment_updates ALTER COLUMN id SET DEFAULT nextval('public.experiment_updates_id_seq'::regclass);


--
-- Name: experiments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiments ALTER COLUMN id SET DEFAULT nextval('public.experiments_id_seq'::regclass);


--
-- Name: identities id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identities ALTER COLUMN id SET DEFAULT nextval('public.identities_id_seq'::regclass);


--
-- Name: learning_notes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_notes ALTER COLUMN id SET DEFAULT nextval('public.learning_notes_id_seq'::regclass);


--
-- Name: learning_passes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_passes ALTER COLUMN id SET DEFAULT nextval('public.learning_passes_id_seq'::regclass);


--
-- Name: learning_rounds id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_rounds ALTER COLUMN id SET DEFAULT nextval('public.learning_rounds_id_seq'::regclass);


--
-- Name: maturity_agreed id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_agreed ALTER COLUMN id SET DEFAULT nextval('public.maturity_agreed_id_seq'::regclass);


--
-- Name: maturity_rounds id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_rounds ALTER COLUMN id SET DEFAULT nextval('public.maturity_rounds_id_seq'::regclass);


--
-- Name: maturity_scores id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_scores ALTER COLUMN id SET DEFAULT nextval('public.maturity_scores_id_seq'::regclass);


--
-- Name: memberships id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships ALTER COLUMN id SET DEFAULT nextval('public.memberships_id_seq'::regclass);


--
-- Name: outbox id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox ALTER COLUMN id SET DEFAULT nextval('public.outbox_id_seq'::regclass);


--
-- Name: people id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people ALTER COLUMN id SET DEFAULT nextval('public.people_id_seq'::regclass);


--
-- Name: prompt_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prompt_runs ALTER COLUMN id SET DEFAULT nextval('public.prompt_runs_id_seq'::regclass);


--
-- Name: pulse_answers id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_answers ALTER COLUMN id SET DEFAULT nextval('public.pulse_answers_id_seq'::regclass);


--
-- Name: pulse_checks id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_checks ALTER COLUMN id SET DEFAULT nextval('public.pulse_checks_id_seq'::regclass);


--
-- Name: rooms id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rooms ALTER COLUMN id SET DEFAULT nextval('public.rooms_id_seq'::regclass);


--
-- Name: seen_events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.seen_events ALTER COLUMN id SET DEFAULT nextval('public.seen_events_id_seq'::regclass);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.alembic_version VALUES ('rights1');
INSERT INTO public.alembic_version VALUES ('stories1');
INSERT INTO public.alembic_version VALUES ('practices1');
INSERT INTO public.alembic_version VALUES ('blockers1');
INSERT INTO public.alembic_version VALUES ('experiments1');


--
-- Data for Name: blocker_changes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.blocker_changes VALUES (1, 1, 'taken', '', 7, '2026-03-23 15:00:00+00');
INSERT INTO public.blocker_changes VALUES (2, 1, 'resolved', 'The charities agreed to share case summaries from April.', 7, '2026-03-25 15:00:00+00');


--
-- Data for Name: blockers; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.blockers VALUES (2, 15, 'core', 'funding', 'open', '', 2, NULL, '2026-03-18 12:00:00+00', '2026-03-18 13:00:00+00', NULL, NULL, NULL);
INSERT INTO public.blockers VALUES (1, 14, 'core', 'information', 'resolved', 'The charities agreed to share case summaries from April.', 3, 7, '2026-03-18 10:30:00+00', '2026-03-25 15:00:00+00', '2026-03-25 15:00:00+00', NULL, '2026-03-25 15:00:00+00');


--
-- Data for Name: circles; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.circles VALUES ('core', 'Core partnership', 'partnership', 'Europe/London');
INSERT INTO public.circles VALUES ('stewards', 'Stewards', 'stewards', 'Europe/London');
INSERT INTO public.circles VALUES ('north', 'North locality', 'partnership', 'Europe/London');


--
-- Data for Name: consents; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.consents VALUES (1, 13, 2, 'circle', true, 'Share it with the circle', '2026-03-17 14:05:00+00');
INSERT INTO public.consents VALUES (2, 28, 5, 'circle', true, 'Share it with the circle', '2026-03-24 14:05:00+00');


--
-- Data for Name: digests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.digests VALUES (1, 'stewards', 'steward', '2026-03-09 08:00:00+00', '2026-03-16 08:00:00+00', '2026-03-16 08:00:00+00', '## Steward learning digest for Riverside Partnership (demo)
*From Mon 09 Mar, 08:00 to Mon 16 Mar, 08:00*

## Circles that have gone quiet
- Core partnership: nothing shared yet
- North locality: nothing shared yet

0 people shared 0 entries across the circles this week.', 0, 0);
INSERT INTO public.digests VALUES (2, 'core', 'huddle', '2026-03-13 16:00:00+00', '2026-03-20 16:00:00+00', '2026-03-20 16:00:00+00', '## Huddle digest for Core partnership
*From Fri 13 Mar, 16:00 to Fri 20 Mar, 16:00*

## What we learned
**families · housing waiting** (5)
- Families told us the new drop-in hours suit them far better than mornings. (*Ana*)
- Sharing one referral form across three charities halved the back-and-forth. (*Ben*)
- The housing waiting list is the first thing every family asks us about. (*Ben*)
- Families on the housing waiting list need someone to call them each month. (*Dev*)
- The council housing team answers faster when we phone than when we email. (*Dev*)

**young carers** (2)
- Young carers open up more when the session starts with food. (*Ellie*)
- Cooking together on Fridays got the young carers talking. (*Ana*)

**Also**
- People trust a volunteer with lived experience more than a leaflet. (*Chloe*)

## What is getting in the way
**New**
- We still cannot see each other''s case notes, so people repeat their story.
- Funding for the evening outreach ends in May and nobody owns the decision.

## What we are celebrating
- The library gave us a free room every Tuesday! (*Ana*)
- Three people we met on the street moved into their own flats this month. (*Chloe*)
- Our first joint training day: forty people from eleven organisations. (*Dev*)

## Stories of change
> A man who had slept rough for years came to the drop-in for soup. Six weeks later he asked us to help him fill in his housing form, and he is now in a flat of his own.
*shared anonymously*

## How our experiments are going
**Evening drop-in** *Plan → Do*
- We predicted: Twice as many working parents will come
- We opened on Tuesday evenings from six.

## Questions for our next huddle
- How do we hear from families who never come in? (*Ben*)

5 people shared 17 entries. Thank you for taking the time.', 5, 17);
INSERT INTO public.digests VALUES (3, 'stewards', 'steward', '2026-03-16 08:00:00+00', '2026-03-23 08:00:00+00', '2026-03-23 08:00:00+00', '## Steward learning digest for Riverside Partnership (demo)
*From Mon 16 Mar, 08:00 to Mon 23 Mar, 08:00*

## Themes across the circles
**housing waiting · families** *(6 entries in Core partnership, North locality)*
- Families told us the new drop-in hours suit them far better than mornings.
- Sharing one referral form across three charities halved the back-and-forth.

**young carers** *(2 entries in Core partnership)*
- Young carers open up more when the session starts with food.
- Cooking together on Fridays got the young carers talking.

## Blockers waiting for a steward
- We still cannot see each other''s case notes, so people repeat their story. *(Core partnership, 4 days old)*
- Funding for the evening outreach ends in May and nobody owns the decision. *(Core partnership, 4 days old)*

## Stories shared with stewards
> A man who had slept rough for years came to the drop-in for soup. Six weeks later he asked us to help him fill in his housing form, and he is now in a flat of his own.
*shared anonymously, Core partnership*

## Questions rising from practice
- Who decides how the housing waiting list is ordered? *(North locality)*
- How do we hear from families who never come in? *(Core partnership)*

6 people shared 19 entries across the circles this week.', 6, 19);
INSERT INTO public.digests VALUES (4, 'core', 'huddle', '2026-03-20 16:00:00+00', '2026-03-27 16:00:00+00', '2026-03-27 16:00:00+00', '## Huddle digest for Core partnership
*From Fri 20 Mar, 16:00 to Fri 27 Mar, 16:00*

## What we learned
**housing waiting · young carers** (6)
- Food first, forms later: young carers relax over a shared meal. (*Chloe*)
- Sharing one referral form across three charities halved the back-and-forth. (*Ben*)
- Nobody explains the housing waiting list in plain words, so we made a leaflet. (*Ellie*)
- Young carers said the pizza night was the best session this year. (*Ben*)
- The housing waiting list moves faster when the council knows the family. (*Ana*)
- The council housing team answers faster when we phone than when we email. (*Dev*)

**Also**
- Families told us the new drop-in hours suit them far better than mornings. (*Ana*)
- People trust a volunteer with lived experience more than a leaflet. (*Chloe*)

## What is getting in the way
**Still open**
- Funding for the evening outreach ends in May and nobody owns the decision. *(raised 9 days ago)*
**Moved on since last time**
- We still cannot see each other''s case notes, so people repeat their story. *(resolved)*: The charities agreed to share case summaries from April.

## What we are celebrating
- The library gave us a free room every Tuesday! (*Ana*)
- Three people we met on the street moved into their own flats this month. (*Chloe*)
- Our first joint training day: forty people from eleven organisations. (*Dev*)

## Stories of change
> A mum who came to the job club for the free coffee now runs its Tuesday session and has helped four others into work.
*shared anonymously*

## How our experiments are going
**Evening drop-in** *moved to Study*
- We predicted: Twice as many working parents will come
- What happened: Three times as many came, mostly fathers.

## Questions for our next huddle
- What would it take for the council to share its waiting list data? (*Chloe*)

5 people shared 14 entries. Thank you for taking the time.', 5, 14);


--
-- Data for Name: entries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.entries VALUES (1, 'core', 1, 1, 'learning', 'Families told us the new drop-in hours suit them far better than mornings.', 'circle', false, 'console', 'demo:1', '2026-03-16 10:00:00+00');
INSERT INTO public.entries VALUES (2, 'core', 2, NULL, 'learning', 'Young carers open up more when the session starts with food.', 'circle', false, 'console', 'demo:2', '2026-03-16 11:00:00+00');
INSERT INTO public.entries VALUES (3, 'core', 3, 1, 'learning', 'Sharing one referral form across three charities halved the back-and-forth.', 'circle', false, 'console', 'demo:3', '2026-03-16 11:30:00+00');
INSERT INTO public.entries VALUES (4, 'core', 1, NULL, 'learning', 'Cooking together on Fridays got the young carers talking.', 'circle', false, 'console', 'demo:4', '2026-03-16 12:00:00+00');
INSERT INTO public.entries VALUES (5, 'core', 3, NULL, 'learning', 'The housing waiting list is the first thing every family asks us about.', 'circle', false, 'console', 'demo:5', '2026-03-16 13:00:00+00');
INSERT INTO public.entries VALUES (6, 'core', 4, NULL, 'learning', 'Families on the housing waiting list need someone to call them each month.', 'circle', false, 'console', 'demo:6', '2026-03-16 14:00:00+00');
INSERT INTO public.entries VALUES (7, 'core', 5, 1, 'learning', 'People trust a volunteer with lived experience more than a leaflet.', 'circle', false, 'console', 'demo:7', '2026-03-16 14:00:00+00');
INSERT INTO public.entries VALUES (8, 'north', 6, NULL, 'learning', 'Tenants here worry most about the housing waiting list.', 'circle', false, 'console', 'demo:8', '2026-03-17 10:00:00+00');
INSERT INTO public.entries VALUES (9, 'north', 6, NULL, 'question', 'Who decides how the housing waiting list is ordered?', 'circle', false, 'console', 'demo:9', '2026-03-17 10:00:00+00');
INSERT INTO public.entries VALUES (10, 'core', 1, NULL, 'experiment_update', 'Evening drop-in (Plan): We expect: Twice as many working parents will come', 'circle', false, 'console', 'demo:10', '2026-03-17 10:00:00+00');
INSERT INTO public.entries VALUES (11, 'core', 1, NULL, 'experiment_update', 'Evening drop-in (Do): We opened on Tuesday evenings from six.', 'circle', false, 'console', 'demo:11', '2026-03-17 11:00:00+00');
INSERT INTO public.entries VALUES (12, 'core', 4, 1, 'learning', 'The council housing team answers faster when we phone than when we email.', 'circle', false, 'console', 'demo:12', '2026-03-17 11:00:00+00');
INSERT INTO public.entries VALUES (13, 'core', 2, NULL, 'story', 'A man who had slept rough for years came to the drop-in for soup. Six weeks later he asked us to help him fill in his housing form, and he is now in a flat of his own.', 'circle', true, 'console', 'demo:13', '2026-03-17 14:00:00+00');
INSERT INTO public.entries VALUES (14, 'core', 3, 2, 'blocker', 'We still cannot see each other''s case notes, so people repeat their story.', 'circle', false, 'console', 'demo:15', '2026-03-18 10:30:00+00');
INSERT INTO public.entries VALUES (15, 'core', 2, 2, 'blocker', 'Funding for the evening outreach ends in May and nobody owns the decision.', 'circle', false, 'console', 'demo:17', '2026-03-18 12:00:00+00');
INSERT INTO public.entries VALUES (16, 'core', 1, NULL, 'celebration', 'The library gave us a free room every Tuesday!', 'circle', false, 'console', 'demo:19', '2026-03-18 16:00:00+00');
INSERT INTO public.entries VALUES (17, 'core', 3, NULL, 'question', 'How do we hear from families who never come in?', 'circle', false, 'console', 'demo:20', '2026-03-19 10:00:00+00');
INSERT INTO public.entries VALUES (18, 'core', 5, 3, 'celebration', 'Three people we met on the street moved into their own flats this month.', 'circle', false, 'console', 'demo:21', '2026-03-19 13:00:00+00');
INSERT INTO public.entries VALUES (19, 'core', 4, 3, 'celebration', 'Our first joint training day: forty people from eleven organisations.', 'circle', false, 'console', 'demo:22', '2026-03-19 14:30:00+00');
INSERT INTO public.entries VALUES (20, 'core', 1, 4, 'learning', 'Families told us the new drop-in hours suit them far better than mornings.', 'circle', false, 'console', 'demo:23', '2026-03-23 10:07:00+00');
INSERT INTO public.entries VALUES (21, 'core', 5, NULL, 'learning', 'Food first, forms later: young carers relax over a shared meal.', 'circle', false, 'console', 'demo:24', '2026-03-23 11:00:00+00');
INSERT INTO public.entries VALUES (22, 'core', 3, 4, 'learning', 'Sharing one referral form across three charities halved the back-and-forth.', 'circle', false, 'console', 'demo:25', '2026-03-23 11:37:00+00');
INSERT INTO public.entries VALUES (23, 'core', 2, NULL, 'learning', 'Nobody explains the housing waiting list in plain words, so we made a leaflet.', 'circle', false, 'console', 'demo:26', '2026-03-23 12:00:00+00');
INSERT INTO public.entries VALUES (24, 'core', 3, NULL, 'learning', 'Young carers said the pizza night was the best session this year.', 'circle', false, 'console', 'demo:27', '2026-03-23 13:00:00+00');
INSERT INTO public.entries VALUES (25, 'core', 1, NULL, 'learning', 'The housing waiting list moves faster when the council knows the family.', 'circle', false, 'console', 'demo:28', '2026-03-23 14:00:00+00');
INSERT INTO public.entries VALUES (26, 'core', 5, 4, 'learning', 'People trust a volunteer with lived experience more than a leaflet.', 'circle', false, 'console', 'demo:29', '2026-03-23 14:07:00+00');
INSERT INTO public.entries VALUES (27, 'core', 4, 4, 'learning', 'The council housing team answers faster when we phone than when we email.', 'circle', false, 'console', 'demo:31', '2026-03-24 11:07:00+00');
INSERT INTO public.entries VALUES (28, 'core', 5, NULL, 'story', 'A mum who came to the job club for the free coffee now runs its Tuesday session and has helped four others into work.', 'circle', true, 'console', 'demo:32', '2026-03-24 14:00:00+00');
INSERT INTO public.entries VALUES (29, 'core', 1, NULL, 'celebration', 'The library gave us a free room every Tuesday!', 'circle', false, 'console', 'demo:35', '2026-03-25 16:07:00+00');
INSERT INTO public.entries VALUES (30, 'core', 5, NULL, 'question', 'What would it take for the council to share its waiting list data?', 'circle', false, 'console', 'demo:36', '2026-03-26 10:00:00+00');
INSERT INTO public.entries VALUES (31, 'core', 5, 6, 'celebration', 'Three people we met on the street moved into their own flats this month.', 'circle', false, 'console', 'demo:37', '2026-03-26 13:07:00+00');
INSERT INTO public.entries VALUES (32, 'core', 4, 6, 'celebration', 'Our first joint training day: forty people from eleven organisations.', 'circle', false, 'console', 'demo:38', '2026-03-26 14:37:00+00');
INSERT INTO public.entries VALUES (33, 'core', 1, NULL, 'experiment_update', 'Evening drop-in (Study): Three times as many came, mostly fathers.', 'circle', false, 'console', 'demo:39', '2026-03-26 15:00:00+00');


--
-- Data for Name: erasures; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: experiment_leads; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.experiment_leads VALUES (1, 1, 1);


--
-- Data for Name: experiment_updates; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.experiment_updates VALUES (1, 1, 'plan', 'We expect: Twice as many working parents will come', 1, 10, '2026-03-17 10:00:00+00');
INSERT INTO public.experiment_updates VALUES (2, 1, 'do', 'We opened on Tuesday evenings from six.', 1, 11, '2026-03-17 11:00:00+00');
INSERT INTO public.experiment_updates VALUES (3, 1, 'study', 'Three times as many came, mostly fathers.', 1, 33, '2026-03-26 15:00:00+00');


--
-- Data for Name: experiments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.experiments VALUES (1, 'core', 'Evening drop-in', 'Twice as many working parents will come', 'study', 'Three times as many came, mostly fathers.', '', '2026-03-31', NULL, 1, '2026-03-17 10:00:00+00', '2026-03-26 15:00:00+00', NULL);


--
-- Data for Name: identities; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.identities VALUES (1, 1, 'console', '', 'ana', 'Ana', '@ana', true);
INSERT INTO public.identities VALUES (2, 2, 'console', '', 'ellie', 'Ellie', '@ellie', true);
INSERT INTO public.identities VALUES (3, 3, 'console', '', 'ben', 'Ben', '@ben', true);
INSERT INTO public.identities VALUES (4, 4, 'console', '', 'dev', 'Dev', '@dev', true);
INSERT INTO public.identities VALUES (5, 5, 'console', '', 'chloe', 'Chloe', '@chloe', true);
INSERT INTO public.identities VALUES (6, 6, 'console', '', 'gus', 'Gus', '@gus', true);
INSERT INTO public.identities VALUES (7, 7, 'console', '', 'sam', 'Sam', '@sam', true);


--
-- Data for Name: learning_notes; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: learning_passes; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: learning_rounds; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: maturity_agreed; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: maturity_rounds; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: maturity_scores; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: memberships; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.memberships VALUES (1, 1, 'core', '2026-03-16 10:00:00+00');
INSERT INTO public.memberships VALUES (3, 2, 'core', '2026-03-16 11:00:00+00');
INSERT INTO public.memberships VALUES (5, 3, 'core', '2026-03-16 11:30:00+00');
INSERT INTO public.memberships VALUES (7, 4, 'core', '2026-03-16 14:00:00+00');
INSERT INTO public.memberships VALUES (9, 5, 'core', '2026-03-16 14:00:00+00');
INSERT INTO public.memberships VALUES (11, 6, 'north', '2026-03-17 10:00:00+00');
INSERT INTO public.memberships VALUES (13, 7, 'stewards', '2026-03-23 15:00:00+00');


--
-- Data for Name: outbox; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.outbox VALUES (1, 'steward_digest:2026-03-16T08:00:00+00:00:stewards|console:stewards::|1', 'digest', 'console', 'stewards', '', '', '', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 08:00:00+00', '2026-03-16 08:00:00+00', '2026-03-16 08:00:00+00', 'out-demo-1', '');
INSERT INTO public.outbox VALUES (2, 'prompt:1|console:core::|1', 'prompt', 'console', 'core', '', '', '', '', '[]', 1, 1, 1, NULL, 'sent', 1, '2026-03-16 09:00:00+00', '2026-03-16 09:00:00+00', '2026-03-16 09:00:00+00', 'out-demo-2', '');
INSERT INTO public.outbox VALUES (3, 'saved:console:demo:1|console:core::out-demo-2|1', 'reply', 'console', 'core', '', 'out-demo-2', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 10:00:00+00', '2026-03-16 10:00:00+00', '2026-03-16 10:00:00+00', 'out-demo-3', '');
INSERT INTO public.outbox VALUES (4, 'saved:console:demo:2|console:core::|1', 'reply', 'console', 'core', '', '', 'ellie', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 11:00:00+00', '2026-03-16 11:00:00+00', '2026-03-16 11:00:00+00', 'out-demo-4', '');
INSERT INTO public.outbox VALUES (5, 'saved:console:demo:3|console:core::out-demo-2|1', 'reply', 'console', 'core', '', 'out-demo-2', 'ben', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 11:30:00+00', '2026-03-16 11:30:00+00', '2026-03-16 11:30:00+00', 'out-demo-5', '');
INSERT INTO public.outbox VALUES (6, 'saved:console:demo:4|console:core::|1', 'reply', 'console', 'core', '', '', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 12:00:00+00', '2026-03-16 12:00:00+00', '2026-03-16 12:00:00+00', 'out-demo-6', '');
INSERT INTO public.outbox VALUES (7, 'saved:console:demo:5|console:core::|1', 'reply', 'console', 'core', '', '', 'ben', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 13:00:00+00', '2026-03-16 13:00:00+00', '2026-03-16 13:00:00+00', 'out-demo-7', '');
INSERT INTO public.outbox VALUES (8, 'saved:console:demo:6|console:core::|1', 'reply', 'console', 'core', '', '', 'dev', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 14:00:00+00', '2026-03-16 14:00:00+00', '2026-03-16 14:00:00+00', 'out-demo-8', '');
INSERT INTO public.outbox VALUES (9, 'saved:console:demo:7|console:core::out-demo-2|1', 'reply', 'console', 'core', '', 'out-demo-2', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-16 14:00:00+00', '2026-03-16 14:00:00+00', '2026-03-16 14:00:00+00', 'out-demo-9', '');
INSERT INTO public.outbox VALUES (10, 'reminder:1:person:2|console:@ellie::|1', 'reminder', 'console', '@ellie', '', '', '', '', '[]', 1, 1, NULL, 2, 'sent', 1, '2026-03-17 09:00:00+00', '2026-03-17 09:00:00+00', '2026-03-17 09:00:00+00', 'out-demo-10', '');
INSERT INTO public.outbox VALUES (11, 'reminder:1:person:4|console:@dev::|1', 'reminder', 'console', '@dev', '', '', '', '', '[]', 1, 1, NULL, 4, 'sent', 1, '2026-03-17 09:00:00+00', '2026-03-17 09:00:00+00', '2026-03-17 09:00:00+00', 'out-demo-11', '');
INSERT INTO public.outbox VALUES (12, 'saved:console:demo:8|console:north::|1', 'reply', 'console', 'north', '', '', 'gus', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-17 10:00:00+00', '2026-03-17 10:00:00+00', '2026-03-17 10:00:00+00', 'out-demo-12', '');
INSERT INTO public.outbox VALUES (13, 'saved:console:demo:9|console:north::|1', 'reply', 'console', 'north', '', '', 'gus', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-17 10:00:00+00', '2026-03-17 10:00:00+00', '2026-03-17 10:00:00+00', 'out-demo-13', '');
INSERT INTO public.outbox VALUES (14, 'experiment:console:demo:10|console:core::|1', 'reply', 'console', 'core', '', '', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-17 10:00:00+00', '2026-03-17 10:00:00+00', '2026-03-17 10:00:00+00', 'out-demo-14', '');
INSERT INTO public.outbox VALUES (15, 'experiment:console:demo:11|console:core::|1', 'reply', 'console', 'core', '', '', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-17 11:00:00+00', '2026-03-17 11:00:00+00', '2026-03-17 11:00:00+00', 'out-demo-15', '');
INSERT INTO public.outbox VALUES (16, 'saved:console:demo:12|console:core::out-demo-2|1', 'reply', 'console', 'core', '', 'out-demo-2', 'dev', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-17 11:00:00+00', '2026-03-17 11:00:00+00', '2026-03-17 11:00:00+00', 'out-demo-16', '');
INSERT INTO public.outbox VALUES (17, 'story:console:demo:13|console:core::|1', 'reply', 'console', 'core', '', '', 'ellie', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-17 14:00:00+00', '2026-03-17 14:00:00+00', '2026-03-17 14:00:00+00', 'out-demo-17', '');
INSERT INTO public.outbox VALUES (18, 'story-choice:console:demo:14|console:core::|1', 'reply', 'console', 'core', '', '', 'ellie', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-17 14:05:00+00', '2026-03-17 14:05:00+00', '2026-03-17 14:05:00+00', 'out-demo-18', '');
INSERT INTO public.outbox VALUES (19, 'prompt:2|console:core::|1', 'prompt', 'console', 'core', '', '', '', '', '[]', 1, 1, 2, NULL, 'sent', 1, '2026-03-18 09:00:00+00', '2026-03-18 09:00:00+00', '2026-03-18 09:00:00+00', 'out-demo-19', '');
INSERT INTO public.outbox VALUES (20, 'saved:console:demo:15|console:core::out-demo-19|1', 'reply', 'console', 'core', '', 'out-demo-19', 'ben', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-18 10:30:00+00', '2026-03-18 10:30:00+00', '2026-03-18 10:30:00+00', 'out-demo-20', '');
INSERT INTO public.outbox VALUES (21, 'blocker_kind:console:demo:16|console:core::|1', 'reply', 'console', 'core', '', '', 'ben', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-18 12:00:00+00', '2026-03-18 12:00:00+00', '2026-03-18 12:00:00+00', 'out-demo-21', '');
INSERT INTO public.outbox VALUES (22, 'saved:console:demo:17|console:core::out-demo-19|1', 'reply', 'console', 'core', '', 'out-demo-19', 'ellie', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-18 12:00:00+00', '2026-03-18 12:00:00+00', '2026-03-18 12:00:00+00', 'out-demo-22', '');
INSERT INTO public.outbox VALUES (23, 'blocker_kind:console:demo:18|console:core::|1', 'reply', 'console', 'core', '', '', 'ellie', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-18 13:00:00+00', '2026-03-18 13:00:00+00', '2026-03-18 13:00:00+00', 'out-demo-23', '');
INSERT INTO public.outbox VALUES (24, 'saved:console:demo:19|console:core::|1', 'reply', 'console', 'core', '', '', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-18 16:00:00+00', '2026-03-18 16:00:00+00', '2026-03-18 16:00:00+00', 'out-demo-24', '');
INSERT INTO public.outbox VALUES (25, 'reminder:2:person:1|console:@ana::|1', 'reminder', 'console', '@ana', '', '', '', '', '[]', 1, 1, NULL, 1, 'sent', 1, '2026-03-19 09:00:00+00', '2026-03-19 09:00:00+00', '2026-03-19 09:00:00+00', 'out-demo-25', '');
INSERT INTO public.outbox VALUES (27, 'reminder:2:person:5|console:@chloe::|1', 'reminder', 'console', '@chloe', '', '', '', '', '[]', 1, 1, NULL, 5, 'sent', 1, '2026-03-19 09:00:00+00', '2026-03-19 09:00:00+00', '2026-03-19 09:00:00+00', 'out-demo-26', '');
INSERT INTO public.outbox VALUES (26, 'reminder:2:person:4|console:@dev::|1', 'reminder', 'console', '@dev', '', '', '', '', '[]', 1, 1, NULL, 4, 'sent', 1, '2026-03-19 09:00:00+00', '2026-03-19 09:00:00+00', '2026-03-19 09:00:00+00', 'out-demo-27', '');
INSERT INTO public.outbox VALUES (28, 'saved:console:demo:20|console:core::|1', 'reply', 'console', 'core', '', '', 'ben', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-19 10:00:00+00', '2026-03-19 10:00:00+00', '2026-03-19 10:00:00+00', 'out-demo-28', '');
INSERT INTO public.outbox VALUES (29, 'prompt:3|console:core::|1', 'prompt', 'console', 'core', '', '', '', '', '[]', 1, 1, 3, NULL, 'sent', 1, '2026-03-19 12:30:00+00', '2026-03-19 12:30:00+00', '2026-03-19 12:30:00+00', 'out-demo-29', '');
INSERT INTO public.outbox VALUES (30, 'saved:console:demo:21|console:core::out-demo-29|1', 'reply', 'console', 'core', '', 'out-demo-29', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-19 13:00:00+00', '2026-03-19 13:00:00+00', '2026-03-19 13:00:00+00', 'out-demo-30', '');
INSERT INTO public.outbox VALUES (31, 'saved:console:demo:22|console:core::out-demo-29|1', 'reply', 'console', 'core', '', 'out-demo-29', 'dev', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-19 14:30:00+00', '2026-03-19 14:30:00+00', '2026-03-19 14:30:00+00', 'out-demo-31', '');
INSERT INTO public.outbox VALUES (43, 'reminder:4:person:2|console:@ellie::|1', 'reminder', 'console', '@ellie', '', '', '', '', '[]', 1, 1, NULL, 2, 'sent', 1, '2026-03-24 09:00:00+00', '2026-03-24 09:00:00+00', '2026-03-24 09:00:00+00', 'out-demo-44', '');
INSERT INTO public.outbox VALUES (32, 'digest:core:2026-03-20T16:00:00+00:00|console:core::|1', 'digest', 'console', 'core', '', '', '', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-20 16:00:00+00', '2026-03-20 16:00:00+00', '2026-03-20 16:00:00+00', 'out-demo-32', '');
INSERT INTO public.outbox VALUES (33, 'steward_digest:2026-03-23T08:00:00+00:00:stewards|console:stewards::|1', 'digest', 'console', 'stewards', '', '', '', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 08:00:00+00', '2026-03-23 08:00:00+00', '2026-03-23 08:00:00+00', 'out-demo-33', '');
INSERT INTO public.outbox VALUES (34, 'prompt:4|console:core::|1', 'prompt', 'console', 'core', '', '', '', '', '[]', 1, 1, 4, NULL, 'sent', 1, '2026-03-23 09:00:00+00', '2026-03-23 09:00:00+00', '2026-03-23 09:00:00+00', 'out-demo-34', '');
INSERT INTO public.outbox VALUES (35, 'saved:console:demo:23|console:core::out-demo-34|1', 'reply', 'console', 'core', '', 'out-demo-34', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 10:07:00+00', '2026-03-23 10:07:00+00', '2026-03-23 10:07:00+00', 'out-demo-35', '');
INSERT INTO public.outbox VALUES (36, 'saved:console:demo:24|console:core::|1', 'reply', 'console', 'core', '', '', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 11:00:00+00', '2026-03-23 11:00:00+00', '2026-03-23 11:00:00+00', 'out-demo-36', '');
INSERT INTO public.outbox VALUES (37, 'saved:console:demo:25|console:core::out-demo-34|1', 'reply', 'console', 'core', '', 'out-demo-34', 'ben', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 11:37:00+00', '2026-03-23 11:37:00+00', '2026-03-23 11:37:00+00', 'out-demo-37', '');
INSERT INTO public.outbox VALUES (38, 'saved:console:demo:26|console:core::|1', 'reply', 'console', 'core', '', '', 'ellie', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 12:00:00+00', '2026-03-23 12:00:00+00', '2026-03-23 12:00:00+00', 'out-demo-38', '');
INSERT INTO public.outbox VALUES (39, 'saved:console:demo:27|console:core::|1', 'reply', 'console', 'core', '', '', 'ben', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 13:00:00+00', '2026-03-23 13:00:00+00', '2026-03-23 13:00:00+00', 'out-demo-39', '');
INSERT INTO public.outbox VALUES (40, 'saved:console:demo:28|console:core::|1', 'reply', 'console', 'core', '', '', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 14:00:00+00', '2026-03-23 14:00:00+00', '2026-03-23 14:00:00+00', 'out-demo-40', '');
INSERT INTO public.outbox VALUES (41, 'saved:console:demo:29|console:core::out-demo-34|1', 'reply', 'console', 'core', '', 'out-demo-34', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 14:07:00+00', '2026-03-23 14:07:00+00', '2026-03-23 14:07:00+00', 'out-demo-41', '');
INSERT INTO public.outbox VALUES (42, 'blocker_change:console:demo:30|console:stewards::|1', 'reply', 'console', 'stewards', '', '', 'sam', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-23 15:00:00+00', '2026-03-23 15:00:00+00', '2026-03-23 15:00:00+00', 'out-demo-42', '');
INSERT INTO public.outbox VALUES (45, 'saved:console:demo:31|console:core::out-demo-34|1', 'reply', 'console', 'core', '', 'out-demo-34', 'dev', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-24 11:07:00+00', '2026-03-24 11:07:00+00', '2026-03-24 11:07:00+00', 'out-demo-45', '');
INSERT INTO public.outbox VALUES (46, 'story:console:demo:32|console:core::|1', 'reply', 'console', 'core', '', '', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-24 14:00:00+00', '2026-03-24 14:00:00+00', '2026-03-24 14:00:00+00', 'out-demo-46', '');
INSERT INTO public.outbox VALUES (48, 'prompt:5|console:core::|1', 'prompt', 'console', 'core', '', '', '', '', '[]', 1, 1, 5, NULL, 'sent', 1, '2026-03-25 09:00:00+00', '2026-03-25 09:00:00+00', '2026-03-25 09:00:00+00', 'out-demo-48', '');
INSERT INTO public.outbox VALUES (49, 'blocker_change:console:demo:34|console:stewards::|1', 'reply', 'console', 'stewards', '', '', 'sam', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-25 15:00:00+00', '2026-03-25 15:00:00+00', '2026-03-25 15:00:00+00', 'out-demo-49', '');
INSERT INTO public.outbox VALUES (50, 'blockers:report:1:2|console:core::|1', 'notice', 'console', 'core', '', '', '', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-25 15:00:00+00', '2026-03-25 15:00:00+00', '2026-03-25 15:00:00+00', 'out-demo-50', '');
INSERT INTO public.outbox VALUES (53, 'reminder:5:person:2|console:@ellie::|1', 'reminder', 'console', '@ellie', '', '', '', '', '[]', 1, 1, NULL, 2, 'sent', 1, '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', 'out-demo-52', '');
INSERT INTO public.outbox VALUES (52, 'reminder:5:person:1|console:@ana::|1', 'reminder', 'console', '@ana', '', '', '', '', '[]', 1, 1, NULL, 1, 'sent', 1, '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', 'out-demo-53', '');
INSERT INTO public.outbox VALUES (54, 'reminder:5:person:3|console:@ben::|1', 'reminder', 'console', '@ben', '', '', '', '', '[]', 1, 1, NULL, 3, 'sent', 1, '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', 'out-demo-54', '');
INSERT INTO public.outbox VALUES (55, 'reminder:5:person:4|console:@dev::|1', 'reminder', 'console', '@dev', '', '', '', '', '[]', 1, 1, NULL, 4, 'sent', 1, '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', 'out-demo-56', '');
INSERT INTO public.outbox VALUES (56, 'reminder:5:person:5|console:@chloe::|1', 'reminder', 'console', '@chloe', '', '', '', '', '[]', 1, 1, NULL, 5, 'sent', 1, '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00', 'out-demo-55', '');
INSERT INTO public.outbox VALUES (57, 'saved:console:demo:36|console:core::|1', 'reply', 'console', 'core', '', '', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-26 10:00:00+00', '2026-03-26 10:00:00+00', '2026-03-26 10:00:00+00', 'out-demo-57', '');
INSERT INTO public.outbox VALUES (44, 'reminder:4:person:4|console:@dev::|1', 'reminder', 'console', '@dev', '', '', '', '', '[]', 1, 1, NULL, 4, 'sent', 1, '2026-03-24 09:00:00+00', '2026-03-24 09:00:00+00', '2026-03-24 09:00:00+00', 'out-demo-43', '');
INSERT INTO public.outbox VALUES (47, 'story-choice:console:demo:33|console:core::|1', 'reply', 'console', 'core', '', '', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-24 14:05:00+00', '2026-03-24 14:05:00+00', '2026-03-24 14:05:00+00', 'out-demo-47', '');
INSERT INTO public.outbox VALUES (51, 'saved:console:demo:35|console:core::|1', 'reply', 'console', 'core', '', '', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-25 16:07:00+00', '2026-03-25 16:07:00+00', '2026-03-25 16:07:00+00', 'out-demo-51', '');
INSERT INTO public.outbox VALUES (58, 'prompt:6|console:core::|1', 'prompt', 'console', 'core', '', '', '', '', '[]', 1, 1, 6, NULL, 'sent', 1, '2026-03-26 12:30:00+00', '2026-03-26 12:30:00+00', '2026-03-26 12:30:00+00', 'out-demo-58', '');
INSERT INTO public.outbox VALUES (59, 'saved:console:demo:37|console:core::out-demo-58|1', 'reply', 'console', 'core', '', 'out-demo-58', 'chloe', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-26 13:07:00+00', '2026-03-26 13:07:00+00', '2026-03-26 13:07:00+00', 'out-demo-59', '');
INSERT INTO public.outbox VALUES (60, 'saved:console:demo:38|console:core::out-demo-58|1', 'reply', 'console', 'core', '', 'out-demo-58', 'dev', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-26 14:37:00+00', '2026-03-26 14:37:00+00', '2026-03-26 14:37:00+00', 'out-demo-60', '');
INSERT INTO public.outbox VALUES (61, 'experiment:console:demo:39|console:core::|1', 'reply', 'console', 'core', '', '', 'ana', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-26 15:00:00+00', '2026-03-26 15:00:00+00', '2026-03-26 15:00:00+00', 'out-demo-61', '');
INSERT INTO public.outbox VALUES (62, 'digest:core:2026-03-27T16:00:00+00:00|console:core::|1', 'digest', 'console', 'core', '', '', '', '', '[]', 1, 1, NULL, NULL, 'sent', 1, '2026-03-27 16:00:00+00', '2026-03-27 16:00:00+00', '2026-03-27 16:00:00+00', 'out-demo-62', '');


--
-- Data for Name: people; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.people VALUES (1, 'Ana', '2026-03-16 10:00:00+00', NULL);
INSERT INTO public.people VALUES (2, 'Ellie', '2026-03-16 11:00:00+00', NULL);
INSERT INTO public.people VALUES (3, 'Ben', '2026-03-16 11:30:00+00', NULL);
INSERT INTO public.people VALUES (4, 'Dev', '2026-03-16 14:00:00+00', NULL);
INSERT INTO public.people VALUES (5, 'Chloe', '2026-03-16 14:00:00+00', NULL);
INSERT INTO public.people VALUES (6, 'Gus', '2026-03-17 10:00:00+00', NULL);
INSERT INTO public.people VALUES (7, 'Sam', '2026-03-23 15:00:00+00', NULL);


--
-- Data for Name: prompt_runs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.prompt_runs VALUES (1, 'core', 'learned', 'learned', false, '2026-03-16 09:00:00+00', '2026-03-16 09:00:00+00', '2026-03-18 09:00:00+00', '2026-03-17 09:00:00+00', '2026-03-17 09:00:00+00');
INSERT INTO public.prompt_runs VALUES (2, 'core', 'blocking', 'blocking', false, '2026-03-18 09:00:00+00', '2026-03-18 09:00:00+00', '2026-03-20 09:00:00+00', '2026-03-19 09:00:00+00', '2026-03-19 09:00:00+00');
INSERT INTO public.prompt_runs VALUES (3, 'core', 'celebrate', 'celebrate', false, '2026-03-19 12:30:00+00', '2026-03-19 12:30:00+00', '2026-03-20 12:30:00+00', NULL, NULL);
INSERT INTO public.prompt_runs VALUES (4, 'core', 'learned', 'learned', false, '2026-03-23 09:00:00+00', '2026-03-23 09:00:00+00', '2026-03-25 09:00:00+00', '2026-03-24 09:00:00+00', '2026-03-24 09:00:00+00');
INSERT INTO public.prompt_runs VALUES (5, 'core', 'blocking', 'blocking', false, '2026-03-25 09:00:00+00', '2026-03-25 09:00:00+00', '2026-03-27 09:00:00+00', '2026-03-26 09:00:00+00', '2026-03-26 09:00:00+00');
INSERT INTO public.prompt_runs VALUES (6, 'core', 'celebrate', 'celebrate', false, '2026-03-26 12:30:00+00', '2026-03-26 12:30:00+00', '2026-03-27 12:30:00+00', NULL, NULL);


--
-- Data for Name: pulse_answers; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: pulse_checks; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: rooms; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.rooms VALUES (1, 'core', 'console', 'core', '', true, '', true);
INSERT INTO public.rooms VALUES (2, 'stewards', 'console', 'stewards', '', true, '', true);
INSERT INTO public.rooms VALUES (3, 'north', 'console', 'north', '', true, '', true);


--
-- Data for Name: seen_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.seen_events VALUES (1, 'console', 'demo:1', '2026-03-16 10:00:00+00');
INSERT INTO public.seen_events VALUES (2, 'console', 'demo:2', '2026-03-16 11:00:00+00');
INSERT INTO public.seen_events VALUES (3, 'console', 'demo:3', '2026-03-16 11:30:00+00');
INSERT INTO public.seen_events VALUES (4, 'console', 'demo:4', '2026-03-16 12:00:00+00');
INSERT INTO public.seen_events VALUES (5, 'console', 'demo:5', '2026-03-16 13:00:00+00');
INSERT INTO public.seen_events VALUES (6, 'console', 'demo:6', '2026-03-16 14:00:00+00');
INSERT INTO public.seen_events VALUES (7, 'console', 'demo:7', '2026-03-16 14:00:00+00');
INSERT INTO public.seen_events VALUES (8, 'console', 'demo:8', '2026-03-17 10:00:00+00');
INSERT INTO public.seen_events VALUES (9, 'console', 'demo:9', '2026-03-17 10:00:00+00');
INSERT INTO public.seen_events VALUES (10, 'console', 'demo:10', '2026-03-17 10:00:00+00');
INSERT INTO public.seen_events VALUES (11, 'console', 'demo:11', '2026-03-17 11:00:00+00');
INSERT INTO public.seen_events VALUES (12, 'console', 'demo:12', '2026-03-17 11:00:00+00');
INSERT INTO public.seen_events VALUES (13, 'console', 'demo:13', '2026-03-17 14:00:00+00');
INSERT INTO public.seen_events VALUES (14, 'console', 'demo:14', '2026-03-17 14:05:00+00');
INSERT INTO public.seen_events VALUES (15, 'console', 'demo:15', '2026-03-18 10:30:00+00');
INSERT INTO public.seen_events VALUES (16, 'console', 'demo:16', '2026-03-18 12:00:00+00');
INSERT INTO public.seen_events VALUES (17, 'console', 'demo:17', '2026-03-18 12:00:00+00');
INSERT INTO public.seen_events VALUES (18, 'console', 'demo:18', '2026-03-18 13:00:00+00');
INSERT INTO public.seen_events VALUES (19, 'console', 'demo:19', '2026-03-18 16:00:00+00');
INSERT INTO public.seen_events VALUES (20, 'console', 'demo:20', '2026-03-19 10:00:00+00');
INSERT INTO public.seen_events VALUES (21, 'console', 'demo:21', '2026-03-19 13:00:00+00');
INSERT INTO public.seen_events VALUES (22, 'console', 'demo:22', '2026-03-19 14:30:00+00');
INSERT INTO public.seen_events VALUES (23, 'console', 'demo:23', '2026-03-23 10:07:00+00');
INSERT INTO public.seen_events VALUES (24, 'console', 'demo:24', '2026-03-23 11:00:00+00');
INSERT INTO public.seen_events VALUES (25, 'console', 'demo:25', '2026-03-23 11:37:00+00');
INSERT INTO public.seen_events VALUES (26, 'console', 'demo:26', '2026-03-23 12:00:00+00');
INSERT INTO public.seen_events VALUES (27, 'console', 'demo:27', '2026-03-23 13:00:00+00');
INSERT INTO public.seen_events VALUES (28, 'console', 'demo:28', '2026-03-23 14:00:00+00');
INSERT INTO public.seen_events VALUES (29, 'console', 'demo:29', '2026-03-23 14:07:00+00');
INSERT INTO public.seen_events VALUES (30, 'console', 'demo:30', '2026-03-23 15:00:00+00');
INSERT INTO public.seen_events VALUES (31, 'console', 'demo:31', '2026-03-24 11:07:00+00');
INSERT INTO public.seen_events VALUES (32, 'console', 'demo:32', '2026-03-24 14:00:00+00');
INSERT INTO public.seen_events VALUES (33, 'console', 'demo:33', '2026-03-24 14:05:00+00');
INSERT INTO public.seen_events VALUES (34, 'console', 'demo:34', '2026-03-25 15:00:00+00');
INSERT INTO public.seen_events VALUES (35, 'console', 'demo:35', '2026-03-25 16:07:00+00');
INSERT INTO public.seen_events VALUES (36, 'console', 'demo:36', '2026-03-26 10:00:00+00');
INSERT INTO public.seen_events VALUES (37, 'console', 'demo:37', '2026-03-26 13:07:00+00');
INSERT INTO public.seen_events VALUES (38, 'console', 'demo:38', '2026-03-26 14:37:00+00');
INSERT INTO public.seen_events VALUES (39, 'console', 'demo:39', '2026-03-26 15:00:00+00');


--
-- Data for Name: story_details; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.story_details VALUES (13, '', '', '', NULL, '2026-03-17 14:05:00+00');
INSERT INTO public.story_details VALUES (28, '', '', '', NULL, '2026-03-24 14:05:00+00');


--
-- Name: blocker_changes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.blocker_changes_id_seq', 2, true);


--
-- Name: blockers_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.blockers_id_seq', 2, true);


--
-- Name: consents_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.consents_id_seq', 2, true);


--
-- Name: digests_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.digests_id_seq', 4, true);


--
-- Name: entries_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.entries_id_seq', 33, true);


--
-- Name: erasures_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.erasures_id_seq', 1, false);


--
-- Name: experiment_leads_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.experiment_leads_id_seq', 1, true);


--
-- Name: experiment_updates_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.experiment_updates_id_seq', 3, true);


--
-- Name: experiments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.experiments_id_seq', 1, true);


--
-- Name: identities_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.identities_id_seq', 7, true);


--
-- Name: learning_notes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.learning_notes_id_seq', 1, false);


--
-- Name: learning_passes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.learning_passes_id_seq', 1, false);


--
-- Name: learning_rounds_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.learning_rounds_id_seq', 1, false);


--
-- Name: maturity_agreed_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.maturity_agreed_id_seq', 1, false);


--
-- Name: maturity_rounds_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.maturity_rounds_id_seq', 1, false);


--
-- Name: maturity_scores_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.maturity_scores_id_seq', 1, false);


--
-- Name: memberships_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.memberships_id_seq', 13, true);


--
-- Name: outbox_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.outbox_id_seq', 62, true);


--
-- Name: people_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.people_id_seq', 7, true);


--
-- Name: prompt_runs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.prompt_runs_id_seq', 6, true);


--
-- Name: pulse_answers_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.pulse_answers_id_seq', 1, false);


--
-- Name: pulse_checks_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.pulse_checks_id_seq', 1, false);


--
-- Name: rooms_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.rooms_id_seq', 3, true);


--
-- Name: seen_events_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.seen_events_id_seq', 39, true);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: blocker_changes blocker_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocker_changes
    ADD CONSTRAINT blocker_changes_pkey PRIMARY KEY (id);


--
-- Name: blockers blockers_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blockers
    ADD CONSTRAINT blockers_entry_id_key UNIQUE (entry_id);


--
-- Name: blockers blockers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blockers
    ADD CONSTRAINT blockers_pkey PRIMARY KEY (id);


--
-- Name: circles circles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.circles
    ADD CONSTRAINT circles_pkey PRIMARY KEY (id);


--
-- Name: consents consents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consents
    ADD CONSTRAINT consents_pkey PRIMARY KEY (id);


--
-- Name: digests digests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digests
    ADD CONSTRAINT digests_pkey PRIMARY KEY (id);


--
-- Name: entries entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entries
    ADD CONSTRAINT entries_pkey PRIMARY KEY (id);


--
-- Name: erasures erasures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.erasures
    ADD CONSTRAINT erasures_pkey PRIMARY KEY (id);


--
-- Name: experiment_leads experiment_leads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiment_leads
    ADD CONSTRAINT experiment_leads_pkey PRIMARY KEY (id);


--
-- Name: experiment_updates experiment_updates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiment_updates
    ADD CONSTRAINT experiment_updates_pkey PRIMARY KEY (id);


--
-- Name: experiments experiments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiments
    ADD CONSTRAINT experiments_pkey PRIMARY KEY (id);


--
-- Name: identities identities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identities
    ADD CONSTRAINT identities_pkey PRIMARY KEY (id);


--
-- Name: learning_notes learning_notes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_notes
    ADD CONSTRAINT learning_notes_pkey PRIMARY KEY (id);


--
-- Name: learning_passes learning_passes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_passes
    ADD CONSTRAINT learning_passes_pkey PRIMARY KEY (id);


--
-- Name: learning_rounds learning_rounds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_rounds
    ADD CONSTRAINT learning_rounds_pkey PRIMARY KEY (id);


--
-- Name: maturity_agreed maturity_agreed_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_agreed
    ADD CONSTRAINT maturity_agreed_pkey PRIMARY KEY (id);


--
-- Name: maturity_rounds maturity_rounds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_rounds
    ADD CONSTRAINT maturity_rounds_pkey PRIMARY KEY (id);


--
-- Name: maturity_scores maturity_scores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_scores
    ADD CONSTRAINT maturity_scores_pkey PRIMARY KEY (id);


--
-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (id);


--
-- Name: outbox outbox_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_key_key UNIQUE (key);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);


--
-- Name: people people_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (id);


--
-- Name: prompt_runs prompt_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prompt_runs
    ADD CONSTRAINT prompt_runs_pkey PRIMARY KEY (id);


--
-- Name: pulse_answers pulse_answers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_answers
    ADD CONSTRAINT pulse_answers_pkey PRIMARY KEY (id);


--
-- Name: pulse_checks pulse_checks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_checks
    ADD CONSTRAINT pulse_checks_pkey PRIMARY KEY (id);


--
-- Name: rooms rooms_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rooms
    ADD CONSTRAINT rooms_pkey PRIMARY KEY (id);


--
-- Name: seen_events seen_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.seen_events
    ADD CONSTRAINT seen_events_pkey PRIMARY KEY (id);


--
-- Name: story_details story_details_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.story_details
    ADD CONSTRAINT story_details_pkey PRIMARY KEY (entry_id);


--
-- Name: digests uq_digest_period; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digests
    ADD CONSTRAINT uq_digest_period UNIQUE (circle_id, kind, period_end);


--
-- Name: experiment_leads uq_experiment_lead; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiment_leads
    ADD CONSTRAINT uq_experiment_lead UNIQUE (experiment_id, person_id);


--
-- Name: identities uq_identity; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identities
    ADD CONSTRAINT uq_identity UNIQUE (platform, team_id, user_id);


--
-- Name: learning_passes uq_learning_pass; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_passes
    ADD CONSTRAINT uq_learning_pass UNIQUE (round_id, person_id);


--
-- Name: learning_rounds uq_learning_round; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_rounds
    ADD CONSTRAINT uq_learning_round UNIQUE (circle_id, scheduled_for);


--
-- Name: maturity_agreed uq_maturity_agreed; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_agreed
    ADD CONSTRAINT uq_maturity_agreed UNIQUE (round_id, dimension);


--
-- Name: maturity_scores uq_maturity_score; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_scores
    ADD CONSTRAINT uq_maturity_score UNIQUE (round_id, person_id, dimension);


--
-- Name: memberships uq_membership; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT uq_membership UNIQUE (person_id, circle_id);


--
-- Name: prompt_runs uq_prompt_run; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prompt_runs
    ADD CONSTRAINT uq_prompt_run UNIQUE (circle_id, ritual_id, scheduled_for);


--
-- Name: pulse_answers uq_pulse_answer; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_answers
    ADD CONSTRAINT uq_pulse_answer UNIQUE (pulse_id, person_id, factor);


--
-- Name: pulse_checks uq_pulse_check; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_checks
    ADD CONSTRAINT uq_pulse_check UNIQUE (circle_id, scheduled_for);


--
-- Name: rooms uq_room_address; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rooms
    ADD CONSTRAINT uq_room_address UNIQUE (platform, chat, topic);


--
-- Name: seen_events uq_seen_event; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.seen_events
    ADD CONSTRAINT uq_seen_event UNIQUE (platform, dedup_key);


--
-- Name: ix_blocker_changes_blocker_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blocker_changes_blocker_id ON public.blocker_changes USING btree (blocker_id);


--
-- Name: ix_blockers_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blockers_circle_id ON public.blockers USING btree (circle_id);


--
-- Name: ix_blockers_closed_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blockers_closed_at ON public.blockers USING btree (closed_at);


--
-- Name: ix_blockers_raised_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blockers_raised_at ON public.blockers USING btree (raised_at);


--
-- Name: ix_blockers_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_blockers_status ON public.blockers USING btree (status);


--
-- Name: ix_consents_entry_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_consents_entry_id ON public.consents USING btree (entry_id);


--
-- Name: ix_digests_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_digests_circle_id ON public.digests USING btree (circle_id);


--
-- Name: ix_entries_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_entries_circle_id ON public.entries USING btree (circle_id);


--
-- Name: ix_entries_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_entries_created_at ON public.entries USING btree (created_at);


--
-- Name: ix_entries_kind; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_entries_kind ON public.entries USING btree (kind);


--
-- Name: ix_entries_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_entries_person_id ON public.entries USING btree (person_id);


--
-- Name: ix_entries_prompt_run_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_entries_prompt_run_id ON public.entries USING btree (prompt_run_id);


--
-- Name: ix_erasures_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_erasures_person_id ON public.erasures USING btree (person_id);


--
-- Name: ix_experiment_leads_experiment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiment_leads_experiment_id ON public.experiment_leads USING btree (experiment_id);


--
-- Name: ix_experiment_leads_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiment_leads_person_id ON public.experiment_leads USING btree (person_id);


--
-- Name: ix_experiment_updates_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiment_updates_created_at ON public.experiment_updates USING btree (created_at);


--
-- Name: ix_experiment_updates_entry_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiment_updates_entry_id ON public.experiment_updates USING btree (entry_id);


--
-- Name: ix_experiment_updates_experiment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiment_updates_experiment_id ON public.experiment_updates USING btree (experiment_id);


--
-- Name: ix_experiments_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiments_circle_id ON public.experiments USING btree (circle_id);


--
-- Name: ix_experiments_previous_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiments_previous_id ON public.experiments USING btree (previous_id);


--
-- Name: ix_experiments_review_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_experiments_review_date ON public.experiments USING btree (review_date);


--
-- Name: ix_identities_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_identities_person_id ON public.identities USING btree (person_id);


--
-- Name: ix_learning_notes_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_learning_notes_created_at ON public.learning_notes USING btree (created_at);


--
-- Name: ix_learning_notes_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_learning_notes_person_id ON public.learning_notes USING btree (person_id);


--
-- Name: ix_learning_notes_round_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_learning_notes_round_id ON public.learning_notes USING btree (round_id);


--
-- Name: ix_learning_passes_round_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_learning_passes_round_id ON public.learning_passes USING btree (round_id);


--
-- Name: ix_learning_rounds_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_learning_rounds_circle_id ON public.learning_rounds USING btree (circle_id);


--
-- Name: ix_maturity_agreed_round_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_maturity_agreed_round_id ON public.maturity_agreed USING btree (round_id);


--
-- Name: ix_maturity_rounds_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_maturity_rounds_circle_id ON public.maturity_rounds USING btree (circle_id);


--
-- Name: ix_maturity_scores_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_maturity_scores_person_id ON public.maturity_scores USING btree (person_id);


--
-- Name: ix_maturity_scores_round_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_maturity_scores_round_id ON public.maturity_scores USING btree (round_id);


--
-- Name: ix_memberships_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_memberships_circle_id ON public.memberships USING btree (circle_id);


--
-- Name: ix_memberships_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_memberships_person_id ON public.memberships USING btree (person_id);


--
-- Name: ix_outbox_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_due ON public.outbox USING btree (status, not_before);


--
-- Name: ix_outbox_platform; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_platform ON public.outbox USING btree (platform);


--
-- Name: ix_outbox_prompt_run_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_prompt_run_id ON public.outbox USING btree (prompt_run_id);


--
-- Name: ix_outbox_sent_ref; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_outbox_sent_ref ON public.outbox USING btree (platform, chat, sent_ref);


--
-- Name: ix_prompt_runs_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_prompt_runs_circle_id ON public.prompt_runs USING btree (circle_id);


--
-- Name: ix_pulse_answers_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_pulse_answers_person_id ON public.pulse_answers USING btree (person_id);


--
-- Name: ix_pulse_answers_pulse_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_pulse_answers_pulse_id ON public.pulse_answers USING btree (pulse_id);


--
-- Name: ix_pulse_checks_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_pulse_checks_circle_id ON public.pulse_checks USING btree (circle_id);


--
-- Name: ix_rooms_circle_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_rooms_circle_id ON public.rooms USING btree (circle_id);


--
-- Name: blocker_changes blocker_changes_blocker_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocker_changes
    ADD CONSTRAINT blocker_changes_blocker_id_fkey FOREIGN KEY (blocker_id) REFERENCES public.blockers(id);


--
-- Name: blockers blockers_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blockers
    ADD CONSTRAINT blockers_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: consents consents_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consents
    ADD CONSTRAINT consents_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.entries(id);


--
-- Name: consents consents_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consents
    ADD CONSTRAINT consents_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: digests digests_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digests
    ADD CONSTRAINT digests_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: entries entries_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entries
    ADD CONSTRAINT entries_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: entries entries_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entries
    ADD CONSTRAINT entries_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: entries entries_prompt_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entries
    ADD CONSTRAINT entries_prompt_run_id_fkey FOREIGN KEY (prompt_run_id) REFERENCES public.prompt_runs(id);


--
-- Name: experiment_leads experiment_leads_experiment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiment_leads
    ADD CONSTRAINT experiment_leads_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES public.experiments(id);


--
-- Name: experiment_updates experiment_updates_experiment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiment_updates
    ADD CONSTRAINT experiment_updates_experiment_id_fkey FOREIGN KEY (experiment_id) REFERENCES public.experiments(id);


--
-- Name: experiments experiments_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.experiments
    ADD CONSTRAINT experiments_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: identities identities_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identities
    ADD CONSTRAINT identities_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: learning_notes learning_notes_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_notes
    ADD CONSTRAINT learning_notes_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: learning_notes learning_notes_round_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_notes
    ADD CONSTRAINT learning_notes_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.learning_rounds(id);


--
-- Name: learning_passes learning_passes_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_passes
    ADD CONSTRAINT learning_passes_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: learning_passes learning_passes_round_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_passes
    ADD CONSTRAINT learning_passes_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.learning_rounds(id);


--
-- Name: learning_rounds learning_rounds_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_rounds
    ADD CONSTRAINT learning_rounds_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: learning_rounds learning_rounds_follow_up_of_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_rounds
    ADD CONSTRAINT learning_rounds_follow_up_of_fkey FOREIGN KEY (follow_up_of) REFERENCES public.learning_rounds(id);


--
-- Name: learning_rounds learning_rounds_presenter_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.learning_rounds
    ADD CONSTRAINT learning_rounds_presenter_id_fkey FOREIGN KEY (presenter_id) REFERENCES public.people(id);


--
-- Name: maturity_agreed maturity_agreed_round_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_agreed
    ADD CONSTRAINT maturity_agreed_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.maturity_rounds(id);


--
-- Name: maturity_rounds maturity_rounds_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_rounds
    ADD CONSTRAINT maturity_rounds_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: maturity_scores maturity_scores_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_scores
    ADD CONSTRAINT maturity_scores_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: maturity_scores maturity_scores_round_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.maturity_scores
    ADD CONSTRAINT maturity_scores_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.maturity_rounds(id);


--
-- Name: memberships memberships_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: memberships memberships_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: outbox outbox_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: outbox outbox_prompt_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_prompt_run_id_fkey FOREIGN KEY (prompt_run_id) REFERENCES public.prompt_runs(id);


--
-- Name: prompt_runs prompt_runs_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prompt_runs
    ADD CONSTRAINT prompt_runs_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: pulse_answers pulse_answers_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_answers
    ADD CONSTRAINT pulse_answers_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: pulse_answers pulse_answers_pulse_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_answers
    ADD CONSTRAINT pulse_answers_pulse_id_fkey FOREIGN KEY (pulse_id) REFERENCES public.pulse_checks(id);


--
-- Name: pulse_checks pulse_checks_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pulse_checks
    ADD CONSTRAINT pulse_checks_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: rooms rooms_circle_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.rooms
    ADD CONSTRAINT rooms_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES public.circles(id);


--
-- Name: story_details story_details_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.story_details
    ADD CONSTRAINT story_details_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.entries(id);


--
-- PostgreSQL database dump complete
--

\unrestrict MQvGxCfydYNZgnXJzWD7fcafvEgXN6mTQ6cGdjsdO4MKrIhuOr8pm9XhYfoocFV

