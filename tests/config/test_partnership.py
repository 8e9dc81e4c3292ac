"""The TOML configuration: the shipped example loads, and every mistake gets a clear answer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.config.partnership import (
    Config,
    RitualConfig,
    RoomConfig,
    find_config_path,
    load_config,
)
from bot.config.practice_settings import check_sections, circle_schedules
from bot.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "huddlebot.toml"

PARTNERSHIP = """
[partnership]
name = "Test Partnership"
timezone = "Europe/London"
"""

CIRCLE = """
[[circles]]
id = "core"
name = "Core"
kind = "partnership"
rooms = [{ platform = "console", channel = "core" }]
"""

RITUAL = """
[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "huddlebot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Config:
    return load_config(write(tmp_path, text))


def fails(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    message = str(error)
    assert str(path) in message, message
    assert error.source == str(path)
    assert error.fix, message
    assert "how to fix:" in message
    return error


# --- the example and a good file -------------------------------------------------------------


def test_example_loads() -> None:
    config = load_config(EXAMPLE)
    assert config.partnership.name == "Riverside Partnership"
    assert config.partnership.timezone == "Europe/London"
    assert [c.id for c in config.circles] == ["core", "stewards", "set-a"]
    assert [c.kind for c in config.circles] == ["partnership", "stewards", "learning_set"]
    core = config.circle("core")
    assert core.rooms == (RoomConfig("console", "core"),)
    assert [(r.id, r.cron) for r in core.rituals] == [
        ("learned", "0 9 * * MON"),
        ("blocking", "0 9 * * WED"),
    ]
    assert core.digest is not None and core.digest.cron == "0 16 * * THU"
    assert config.circle_for_room("console", "set-a") is config.circle("set-a")
    assert config.source == EXAMPLE


def test_defaults_and_normalised_rooms(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        PARTNERSHIP
        + """
[[circles]]
id = "core"
name = "Core"
kind = "partnership"
language = "cy"
rooms = [
    { platform = "slack", channel = "C0123ABC" },
    { platform = "telegram", chat = -1001234, topic = 5 },
    { platform = "telegram", chat = "-1005678" },
]
"""
        + RITUAL,
    )
    partnership = config.partnership
    assert (partnership.language, partnership.anonymity_threshold) == ("en", 3)
    assert (partnership.retention_days, partnership.erasure) == (0, "anonymise")
    circle = config.circle("core")
    assert (circle.timezone, circle.language) == ("Europe/London", "cy")
    assert circle.rooms == (
        RoomConfig("slack", "C0123ABC"),
        RoomConfig("telegram", "-1001234", "5"),
        RoomConfig("telegram", "-1005678"),
    )
    assert circle.rituals == (RitualConfig("learned", "learned", "0 9 * * MON"),)
    assert circle.rituals[0].reminder_delay_hours == 24
    assert circle.digest is None


def test_circle_for_room(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        PARTNERSHIP
        + """
[[circles]]
id = "whole"
name = "Whole group"
kind = "partnership"
rooms = [{ platform = "telegram", chat = "-100" }]

[[circles]]
id = "set-a"
name = "Set A"
kind = "learning_set"
rooms = [{ platform = "telegram", chat = "-100", topic = 7 }]
""",
    )
    assert config.circle_for_room("telegram", "-100", "7") is config.circle("set-a")
    assert config.circle_for_room("telegram", "-100", None) is config.circle("whole")
    assert config.circle_for_room("telegram", "-100", "9") is config.circle("whole")
    assert config.circle_for_room("telegram", "-999", None) is None
    assert config.circle_for_room("slack", "-100", None) is None


def test_unknown_circle_lists_known_ids() -> None:
    config = load_config(EXAMPLE)
    with pytest.raises(ConfigError) as caught:
        config.circle("nope")
    assert "core, stewards, set-a" in str(caught.value)


def test_ritual_options(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        PARTNERSHIP
        + CIRCLE
        + """
[[circles.rituals]]
id = "learned-friday"
prompt = "learned"
cron = "30 14 * * FRI"
window_hours = 24.5
reminder_after_hours = 6
private = true

[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
reminder = false
""",
    )
    first, second = config.circle("core").rituals
    assert (first.id, first.window_hours, first.reminder_delay_hours, first.private) == (
        "learned-friday",
        24.5,
        6,
        True,
    )
    assert (second.id, second.reminder) == ("learned", False)


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Australia/Sydney", "UTC"])
def test_time_zones_with_daylight_saving_are_accepted(tmp_path: Path, zone: str) -> None:
    config = load(
        tmp_path,
        PARTNERSHIP.replace("Europe/London", zone)
        + CIRCLE
        + RITUAL
        + '\n[circles.digest]\ncron = "0 16 * * THU"\n',
    )
    circle = config.circle("core")
    assert circle.timezone == zone
    trigger = CronTrigger.from_crontab(circle.rituals[0].cron, timezone=circle.timezone)
    # Across a clock change the ritual still fires at 09:00 local time.
    fire = trigger.get_next_fire_time(None, datetime(2025, 3, 28, tzinfo=ZoneInfo(zone)))
    assert fire is not None and (fire.hour, fire.minute) == (9, 0)


def test_circle_time_zone_overrides_partnership(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        PARTNERSHIP
        + CIRCLE.replace(
            'kind = "partnership"', 'kind = "partnership"\ntimezone = "Europe/Dublin"'
        ),
    )
    assert config.circle("core").timezone == "Europe/Dublin"


# --- mistakes ---------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert "examples/huddlebot.toml" in caught.value.fix


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    error = fails(tmp_path, '[partnership]\nname = "Riverside\ntimezone = "Europe/London"\n')
    assert "line 2" in str(error)
    assert "column" in str(error)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_bytes(b'[partnership]\nname = "\xff"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(path)


def test_secret_in_file_is_refused(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + 'slack_bot_token = "xoxb-123"\n' + CIRCLE)
    assert error.key == "partnership.slack_bot_token"
    assert "SLACK_BOT_TOKEN" in error.fix
    assert "xoxb-123" not in str(error)


def test_secret_nested_in_a_room_is_refused(tmp_path: Path) -> None:
    text = PARTNERSHIP + CIRCLE.replace('channel = "core"', 'channel = "core", api_password = "x"')
    error = fails(tmp_path, text)
    assert error.key == "circles[0].rooms[0].api_password"
    assert "environment variable" in error.fix


def test_environment_setting_in_file_points_to_variable(tmp_path: Path) -> None:
    error = fails(tmp_path, 'database_url = "sqlite:///x.db"\n' + PARTNERSHIP + CIRCLE)
    assert error.key == "database_url"
    assert "DATABASE_URL" in error.fix


def test_unknown_key_suggests_closest(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + RITUAL + "window_hour = 48\n")
    assert error.key == "circles[0].rituals[0].window_hour"
    assert "did you mean 'window_hours'?" in str(error)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + "[circle]\nid = 'x'\n")
    assert error.key == "circle"
    assert "did you mean 'circles'?" in error.fix


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[partnership]\nname = 'P'\n" + CIRCLE, "partnership.timezone", "missing"),
        (CIRCLE, "partnership", "missing"),
        (PARTNERSHIP, "circles", "missing"),
        ("circles = []\n" + PARTNERSHIP, "circles", "no circles"),
        (PARTNERSHIP + CIRCLE.replace('name = "Core"\n', ""), "circles[0].name", "missing"),
        (
            PARTNERSHIP + CIRCLE + '[[circles.rituals]]\nprompt = "learned"\n',
            "circles[0].rituals[0].cron",
            "missing",
        ),
        (PARTNERSHIP.replace('"Test Partnership"', "42"), "partnership.name", "should be text"),
        (
            PARTNERSHIP + CIRCLE + RITUAL + 'window_hours = "48"\n',
            "circles[0].rituals[0].window_hours",
            "should be a number",
        ),
        (
            PARTNERSHIP + CIRCLE + RITUAL + "reminder = 1\n",
            "circles[0].rituals[0].reminder",
            "true or false",
        ),
        (
            PARTNERSHIP + "anonymity_threshold = true\n" + CIRCLE,
            "partnership.anonymity_threshold",
            "whole number",
        ),
        (
            PARTNERSHIP + CIRCLE.replace("rooms = [", "rooms = 3 #"),
            "circles[0].rooms",
            "should be a list",
        ),
        ("circles = [1]\n" + PARTNERSHIP, "circles[0]", "should be a table"),
    ],
)
def test_missing_keys_and_wrong_types(tmp_path: Path, text: str, key: str, words: str) -> None:
    error = fails(tmp_path, text)
    assert error.key == key
    assert f"key '{key}'" in str(error)
    assert words in str(error)


def test_unknown_time_zone_suggests_one(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP.replace("Europe/London", "London") + CIRCLE)
    assert error.key == "partnership.timezone"
    assert "Europe/London" in error.fix


def test_time_zone_in_wrong_case_suggests_the_right_one(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP.replace("Europe/London", "america/new_york") + CIRCLE)
    assert "America/New_York" in error.fix


def test_not_a_time_zone_at_all_suggests_london(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP.replace("Europe/London", "Mars/Olympus_Mons_Base") + CIRCLE)
    assert "IANA" in error.fix


def test_local_time_is_not_an_iana_zone(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP.replace("Europe/London", "localtime") + CIRCLE)
    assert error.key == "partnership.timezone"


@pytest.mark.parametrize("cron", ["0 9 * *", "0 9 * * * *", "61 9 * * MON", "0 9 * * FUNDAY", ""])
def test_bad_cron_explains_the_five_fields(tmp_path: Path, cron: str) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + RITUAL.replace("0 9 * * MON", cron))
    assert error.key == "circles[0].rituals[0].cron"
    assert "minute hour day-of-month month day-of-week" in error.fix or "empty" in str(error)


def test_bad_digest_cron(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + '[circles.digest]\ncron = "every thursday"\n')
    assert error.key == "circles[0].digest.cron"
    assert "five fields" in error.fix


def test_duplicate_circle_ids(tmp_path: Path) -> None:
    second = CIRCLE.replace('channel = "core"', 'channel = "other"')
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + second)
    assert error.key == "circles[1].id"
    assert "used twice" in str(error)


def test_duplicate_ritual_ids_within_a_circle(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + RITUAL + RITUAL)
    assert error.key == "circles[0].rituals[1].id"
    assert 'id = "learned-2"' in error.fix


def test_same_room_in_two_circles(tmp_path: Path) -> None:
    second = CIRCLE.replace('id = "core"', 'id = "other"')
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + second)
    assert error.key == "circles[1].rooms[0]"
    assert "'core'" in str(error)


def test_bad_kind_suggests_closest(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE.replace('"partnership"', '"steward"'))
    assert error.key == "circles[0].kind"
    assert "did you mean 'stewards'?" in error.fix


def test_bad_circle_id(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE.replace('id = "core"', 'id = "Core Team"'))
    assert error.key == "circles[0].id"


@pytest.mark.parametrize(
    ("room", "key"),
    [
        ('{ platform = "Slack", channel = "C1" }', "circles[0].rooms[0].platform"),
        ('{ platform = "slack", chat = "C1" }', "circles[0].rooms[0].chat"),
        ('{ platform = "slack" }', "circles[0].rooms[0].channel"),
        ('{ platform = "telegram", channel = "-100" }', "circles[0].rooms[0].channel"),
        ('{ platform = "telegram" }', "circles[0].rooms[0].chat"),
        ('{ platform = "telegram", chat = "@mygroup" }', "circles[0].rooms[0].chat"),
        (
            '{ platform = "telegram", chat = "-100", topic = "general" }',
            "circles[0].rooms[0].topic",
        ),
        ('{ platform = "console", channel = "" }', "circles[0].rooms[0].channel"),
        ('{ platform = "matrix" }', "circles[0].rooms[0].platform"),
        ('{ platform = "slack", channel = "a", chat = "b" }', "circles[0].rooms[0].chat"),
        ('{ platform = "console", channel = true }', "circles[0].rooms[0].channel"),
        ('{ channel = "core" }', "circles[0].rooms[0].platform"),
    ],
)
def test_bad_rooms(tmp_path: Path, room: str, key: str) -> None:
    text = PARTNERSHIP + CIRCLE.replace('{ platform = "console", channel = "core" }', room)
    assert fails(tmp_path, text).key == key


def test_a_platform_huddlebot_does_not_know_is_named_with_those_it_does(tmp_path: Path) -> None:
    room = '{ platform = "slak", channel = "C1" }'
    text = PARTNERSHIP + CIRCLE.replace('{ platform = "console", channel = "core" }', room)
    error = fails(tmp_path, text)
    assert error.key == "circles[0].rooms[0].platform"
    assert "'slak' is not a platform huddlebot knows" in str(error)
    assert 'did you mean "slack"?' in error.fix
    assert '"console", "slack", "telegram"' in error.fix
    assert error.source == str(tmp_path / "huddlebot.toml")


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("window_hours = 0\n", "window_hours"),
        ("window_hours = -5\n", "window_hours"),
        ("window_hours = inf\n", "window_hours"),
        ("reminder_after_hours = 48\n", "reminder_after_hours"),
        ("reminder_after_hours = 0\n", "reminder_after_hours"),
        ("reminder = false\nreminder_after_hours = 4\n", "reminder_after_hours"),
        ('prompt_id = "x"\n', "prompt_id"),
    ],
)
def test_bad_ritual_values(tmp_path: Path, extra: str, key: str) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE + RITUAL + extra)
    assert error.key == f"circles[0].rituals[0].{key}"


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("anonymity_threshold = 1\n", "anonymity_threshold"),
        ("retention_days = -1\n", "retention_days"),
        ("max_entry_chars = 0\n", "max_entry_chars"),
        ('erasure = "delete"\n', "erasure"),
        ('language = "English"\n', "language"),
    ],
)
def test_bad_partnership_values(tmp_path: Path, extra: str, key: str) -> None:
    assert fails(tmp_path, PARTNERSHIP + extra + CIRCLE).key == f"partnership.{key}"


def test_rituals_need_a_room(tmp_path: Path) -> None:
    error = fails(tmp_path, PARTNERSHIP + CIRCLE.replace("rooms = [", "# rooms = [") + RITUAL)
    assert error.key == "circles[0].rooms"


def test_a_circle_without_rooms_or_rituals_is_fine(tmp_path: Path) -> None:
    config = load(tmp_path, PARTNERSHIP + CIRCLE.replace("rooms = [", "# rooms = ["))
    assert config.circle("core").rooms == ()


# --- finding the file -------------------------------------------------------------------------


def test_find_config_path_order(tmp_path: Path) -> None:
    (tmp_path / "huddlebot.toml").write_text("")
    (tmp_path / "from-env.toml").write_text("")
    (tmp_path / "from-cli.toml").write_text("")
    env = {"HUDDLEBOT_CONFIG": "from-env.toml"}
    assert find_config_path("from-cli.toml", env, tmp_path) == tmp_path / "from-cli.toml"
    assert find_config_path(None, env, tmp_path) == tmp_path / "from-env.toml"
    assert find_config_path(None, {}, tmp_path) == tmp_path / "huddlebot.toml"
    absolute = tmp_path / "from-cli.toml"
    assert find_config_path(str(absolute), {}, Path("/")) == absolute


def test_find_config_path_when_nothing_is_there(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        find_config_path(None, {}, tmp_path)
    assert "huddlebot init" in caught.value.fix and "--config" in caught.value.fix
    assert "--config" in caught.value.fix


def test_find_config_path_given_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        find_config_path(None, {"HUDDLEBOT_CONFIG": "gone.toml"}, tmp_path)
    assert "HUDDLEBOT_CONFIG" in str(caught.value)
    assert str(tmp_path / "gone.toml") in str(caught.value)
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(ConfigError, match="--config is a folder, not a file"):
        find_config_path("a-folder", {}, tmp_path)


def test_scheduled_tables_for_stewards_learning_sets_and_pulses(tmp_path: Path) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(
        '[partnership]\nname = "R"\ntimezone = "Europe/London"\n'
        'steward_digest = { cron = "0 8 * * MON" }\n\n'
        '[[circles]]\nid = "set-a"\nname = "Set A"\nkind = "learning_set"\n'
        'rooms = [{ platform = "console", channel = "set-a" }]\n'
        'learning_set = { cron = "0 9 * * TUE", window_hours = 24 }\n'
        'pulse = { cron = "0 12 1 * *" }\n'
    )
    config = load_config(path)
    assert config.partnership.steward_digest is not None
    assert config.partnership.steward_digest.cron == "0 8 * * MON"
    sets = circle_schedules(config, "learning_set", example="0 9 * * TUE")
    pulses = circle_schedules(config, "pulse", example="0 12 1 * *")
    assert sets["set-a"].window_hours == 24
    assert pulses["set-a"].window_hours == 48
    assert circle_schedules(config, "maturity", example="0 9 1 * *") == {}
    path.write_text(path.read_text().replace('"0 12 1 * *"', '"every month"'))
    config = load_config(path)  # the pulse's table is the pulse practice's to read
    with pytest.raises(ConfigError) as problem:
        circle_schedules(config, "pulse", example="0 12 1 * *")
    assert "circles[0].pulse.cron" in str(problem.value)
    assert str(path) in str(problem.value)


def test_a_circle_table_no_practice_reads_is_refused(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, PARTNERSHIP + CIRCLE + '[circles.puls]\ncron = "0 12 1 * *"\n')
    )
    with pytest.raises(ConfigError) as problem:
        check_sections(config, ["learning_set"])
    assert problem.value.key == "circles[0].puls"
    with pytest.raises(ConfigError) as problem:
        check_sections(config, ["pulse"])
    assert "did you mean 'pulse'?" in str(problem.value)
    claimed = load_config(
        write(tmp_path, PARTNERSHIP + CIRCLE + 'pulse = { cron = "0 12 1 * *" }\n')
    )
    check_sections(claimed, ["pulse"])
    assert claimed.circles[0].sections == {"pulse": {"cron": "0 12 1 * *"}}


def test_a_practice_table_needs_a_room(tmp_path: Path) -> None:
    circle = CIRCLE.replace('rooms = [{ platform = "console", channel = "core" }]\n', "")
    error = fails(tmp_path, PARTNERSHIP + circle + 'pulse = { cron = "0 12 1 * *" }\n')
    assert error.key == "circles[0].rooms"
