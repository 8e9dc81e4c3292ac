"""The prompt library: the shipped catalog and templates, escaping per target, and clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.app import check_prompts
from bot.config.partnership import load_config
from bot.core.ports import Limits
from bot.errors import TemplateError
from bot.text.formats import split_message
from bot.text.library import KINDS, PromptLibrary
from tests.template_contexts import feature_contexts, feature_no_user_text

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
FORMATS = ("slack", "telegram", "markdown", "plain")
EVIL = "Hi <!channel> see <https://x|y> & <b>bold</b> @here"
INERT = {
    "slack": [
        "&lt;!channel&gt;",
        "&lt;https://x|y&gt;",
        "&amp;",
        "&lt;b&gt;bold&lt;/b&gt;",
        "@here",
    ],
    "telegram": [
        "&lt;!channel&gt;",
        "&lt;https://x|y&gt;",
        "&amp;",
        "&lt;b&gt;bold&lt;/b&gt;",
        "@here",
    ],
}
LIVE = ["<!channel>", "<https://x|y>", "<b>bold</b>", "<!here>", " & "]


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    return PromptLibrary.load(PROMPTS, "en")


def contexts(library: PromptLibrary, user: str) -> dict[str, dict[str, Any]]:
    """Realistic context for every template; `user` stands in for anything people typed."""
    learned = library.prompt("learned")
    prompt = {"id": learned.id, "title": learned.title, "question": learned.question}
    prompt["hint"] = learned.hint
    circle = {"id": "core", "name": f"Core {user}"}
    entry = {"text": f"We learned {user}", "author": f"Sam {user}", "at": "2024-03-05 10:12"}
    sections = [
        {
            "kind": kind,
            "heading": library.kind_heading(kind),
            "entries": [entry, {**entry, "author": None}],
        }
        for kind in KINDS
    ]
    return {
        "prompt": {
            "prompt": prompt,
            "circle": circle,
            "closes_at": "Wed 6 Mar, 09:00",
            "private": False,
            "kept_in_set": False,
        },
        "reminder": {"prompt": prompt, "circle": circle, "closes_at": "Wed 6 Mar, 09:00"},
        "huddle_digest": {
            "circle": circle,
            "period": {"start": "2024-03-04", "end": "2024-03-10"},
            "sections": sections,
            "participation": {"people": 4, "entries": 14},
            "quiet": False,
            "kept_in_set": False,
        },
        "replies/saved": {
            "kind_label": "learning",
            "prompt_title": f"Title {user}",
            "kept_in": f"Set {user}",
        },
        "replies/help": {
            "verbs": [{"verb": "learned", "description": f"share a learning {user}"}],
            "platform_hint": f"Hint {user}",
        },
        "replies/empty": {"verb": "learned"},
        "replies/too_long": {"limit": 2000, "length": 2345, "text": f"My long text {user}"},
        "replies/unknown_verb": {"verb": f"x{user}", "verbs": ["learned", "blocker", "help"]},
        "replies/prompt_closed": {"prompt_title": f"Title {user}"},
        "replies/nothing_open": {"verbs": ["learned", "blocker"], "text": f"hello {user}"},
        "replies/nothing_asked": {"circle": f"Core {user}"},
        "replies/held": {"kind_label": "blocker", "circle": f"Core {user}", "raised": True},
        "replies/held_choice": {"shared": True, "anonymous": False, "circle": f"Core {user}"},
        "replies/held_gone": {},
        "replies/held_not_yours": {},
        "replies/welcome": {"circle": circle},
        "replies/stewards_only": {"verb": f"digest{user}"},
        "replies/story_gone": {},
        "replies/button_gone": {},
        "replies/went_wrong": {},
        "replies/not_yours": {},
        "replies/use_in_room": {},
        "replies/unknown_prompt": {"prompt": f"p{user}", "prompts": ["learned", "blocking"]},
        "replies/digest_already": {"nothing_new": True, "since": "Mon 04 Mar, 16:00"},
        "notices/room_unreachable": {
            "platform": "telegram",
            "chat": f"-100{user}",
            "reason": f"the bot was removed {user}",
            "hint": "add the bot back to the group",
        },
        "notices/room_moved": {
            "platform": "telegram",
            "old_chat": f"-{user}",
            "new_chat": f"-100{user}",
            "why": f"the group became a supergroup {user}",
            "circles": [f"Core {user}"],
            "file": f"/home/{user}/huddlebot.toml",
            "key": "circles[0].rooms[1].chat",
        },
        "notices/in_doubt": {
            "places": [{"platform": "telegram", "chat": f"-100{user}", "kind": "prompt"}],
            "private": 2,
        },
        **feature_contexts(user),
    }


def template_names(root: Path) -> set[str]:
    folder = root / "en" / "templates"
    return {str(p.relative_to(folder).with_suffix("")) for p in folder.rglob("*.j2")}


def copy_prompts(tmp_path: Path) -> Path:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS, root)
    return root


# --- the shipped library


def test_catalog_has_the_required_prompts(library: PromptLibrary) -> None:
    expected = {
        "learned": "learning",
        "blocking": "blocker",
        "celebrate": "celebration",
        "story": "story",
        "experiment": "experiment_update",
        "huddle_question": "question",
    }
    assert {p.id: p.entry_kind for p in library.prompts()} == expected
    for prompt in library.prompts():
        assert prompt.title and prompt.question and prompt.hint
    assert library.kind_label("experiment_update") == "experiment update"
    assert library.kind_heading("learning") == "What we learned"
    assert all(library.kind_heading(kind) for kind in KINDS)


def test_every_template_has_test_context(library: PromptLibrary) -> None:
    assert set(contexts(library, "")) == template_names(PROMPTS)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(template_names(PROMPTS)))
def test_every_template_renders_for_every_target(
    library: PromptLibrary, name: str, fmt: str
) -> None:
    text = library.render(name, contexts(library, "and friends")[name], fmt)  # type: ignore[arg-type]
    assert text and text == text.strip()
    assert "\n\n\n" not in text and "None" not in text


NO_USER_TEXT = {
    "replies/empty",
    "replies/story_gone",
    "replies/button_gone",
    "replies/went_wrong",
    "replies/not_yours",
    "replies/held_gone",
    "replies/held_not_yours",
    "replies/use_in_room",
    "replies/digest_already",
    *feature_no_user_text(),
}


@pytest.mark.parametrize("fmt", ["slack", "telegram"])
@pytest.mark.parametrize("name", sorted(template_names(PROMPTS)))
def test_user_text_is_inert(library: PromptLibrary, name: str, fmt: str) -> None:
    text = library.render(name, contexts(library, EVIL)[name], fmt)  # type: ignore[arg-type]
    if name not in NO_USER_TEXT:
        for escaped in INERT[fmt]:
            assert escaped in text
    for live in LIVE:
        assert live not in text


def test_digest_quotes_entries_and_counts_only_in_aggregate(library: PromptLibrary) -> None:
    context = contexts(library, EVIL)["huddle_digest"]
    slack = library.render("huddle_digest", context, "slack")
    assert "• We learned Hi &lt;!channel&gt; see &lt;https://x|y&gt; &amp; &lt;b&gt;bold" in slack
    assert "*What we learned*" in slack and "*Questions for our next huddle*" in slack
    assert "4 people shared 14 entries" in slack
    telegram = library.render("huddle_digest", context, "telegram")
    assert "<b>What we learned</b>" in telegram
    assert "(<i>Sam Hi &lt;!channel&gt; see &lt;https://x|y&gt; &amp; &lt;b&gt;bold" in telegram
    ordered = [telegram.index(library.kind_heading(kind)) for kind in KINDS]
    assert ordered == sorted(ordered)


def test_quiet_digest_is_kind(library: PromptLibrary) -> None:
    context = {
        **contexts(library, "")["huddle_digest"],
        "sections": [],
        "participation": {"people": 0, "entries": 0},
        "quiet": True,
    }
    text = library.render("huddle_digest", context, "plain")
    assert "Nothing new was shared this time" in text
    assert "people shared" not in text


def test_prompt_says_how_to_reply(library: PromptLibrary) -> None:
    context = contexts(library, "")["prompt"]
    assert "Reply in this thread" in library.render("prompt", context, "slack")
    assert "Reply to this message" in library.render("prompt", context, "telegram")
    private = library.render("prompt", {**context, "private": True}, "slack")
    assert "reply to this message" in private


def test_saved_reply_reads_well(library: PromptLibrary) -> None:
    saved = library.render(
        "replies/saved",
        {"kind_label": "experiment update", "prompt_title": None, "kept_in": None},
        "plain",
    )
    assert saved == "Thank you, saved as an experiment update."


def test_too_long_echoes_the_whole_text(library: PromptLibrary) -> None:
    text = "first & line\nsecond line"
    reply = library.render(
        "replies/too_long", {"limit": 10, "length": 1234, "text": text}, "telegram"
    )
    assert "1,234" in reply
    assert (
        "<blockquote>first &amp; line</blockquote>\n<blockquote>second line</blockquote>" in reply
    )


def test_long_digest_splits_into_valid_parts(library: PromptLibrary) -> None:
    context = contexts(library, EVIL)["huddle_digest"]
    context["sections"] = [{**s, "entries": s["entries"] * 40} for s in context["sections"]]
    text = library.render("huddle_digest", context, "telegram")
    parts = split_message(text, Limits(max_chars=4096), fmt="telegram")
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert " ".join(parts).split() == text.split()


# --- errors


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    broken = root / "en" / "templates" / "replies" / "saved.j2"
    broken.write_text(
        "Thank you.\nStill fine.\nBroken {{ kind_label ( }} here.\n", encoding="utf-8"
    )
    with pytest.raises(TemplateError) as caught:
        PromptLibrary.load(root, "en")
    assert caught.value.path == str(broken) and caught.value.line == 3
    assert f"{broken}, line 3" in str(caught.value)


def test_unknown_filter_is_caught_at_load(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    broken = root / "en" / "templates" / "reminder.j2"
    broken.write_text("Hello\n{{ circle.name | shout }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="shout") as caught:
        PromptLibrary.load(root, "en")
    assert caught.value.path == str(broken) and caught.value.line == 2


def test_render_error_names_file_and_line(library: PromptLibrary) -> None:
    with pytest.raises(TemplateError, match="prompt_title") as caught:
        library.render("replies/saved", {"kind_label": "learning"}, "slack")
    assert caught.value.path.endswith("saved.j2") and caught.value.line == 2


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    catalog = root / "en" / "catalog.toml"
    catalog.write_text(
        '[prompts.learned]\ntitle = "What did we learn?"\nquestion = oops\n', encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="not valid TOML") as caught:
        PromptLibrary.load(root, "en")
    assert caught.value.path == str(catalog) and caught.value.line == 3


def test_missing_field_names_the_prompt(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    catalog = root / "en" / "catalog.toml"
    source = catalog.read_text(encoding="utf-8")
    catalog.write_text(
        source.replace('hint = "Thanking someone else counts too."\n', ""), encoding="utf-8"
    )
    header = source.splitlines().index("[prompts.celebrate]") + 1
    with pytest.raises(TemplateError, match=r"\[prompts.celebrate\] needs 'hint'") as caught:
        PromptLibrary.load(root, "en")
    assert caught.value.line == header


def test_unknown_entry_kind_and_missing_kind(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    catalog = root / "en" / "catalog.toml"
    source = catalog.read_text(encoding="utf-8")
    catalog.write_text(
        source.replace('entry_kind = "story"', 'entry_kind = "tale"'), encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="entry_kind 'tale'"):
        PromptLibrary.load(root, "en")
    catalog.write_text(source.replace("[kinds.reflection]", "[kinds.musing]"), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"no \[kinds.reflection\]"):
        PromptLibrary.load(root, "en")


def test_unknown_names_list_what_exists(library: PromptLibrary, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="prompts: blocking, celebrate"):
        library.prompt("nope")
    with pytest.raises(TemplateError, match=r"templates: .*huddle_digest"):
        library.render("nope", {}, "plain")
    with pytest.raises(TemplateError, match="kinds: learning"):
        library.kind_heading("nope")


def test_a_language_with_no_folder_falls_back_to_english_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    library = PromptLibrary.load(PROMPTS, "fr")
    assert (
        library.prompt("learned").title == PromptLibrary.load(PROMPTS, "en").prompt("learned").title
    )
    [said] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "no prompts in language 'fr'" in said and "in English" in said


def test_no_english_to_fall_back_on_names_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    (root / "cy").mkdir(parents=True)
    with pytest.raises(TemplateError, match="none in English") as caught:
        PromptLibrary.load(root, "fr")
    assert str(root / "en") in str(caught.value)


# --- languages and template text


def test_another_language_falls_back_to_english(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    (root / "cy" / "templates" / "replies").mkdir(parents=True)
    (root / "cy" / "catalog.toml").write_text(
        '[prompts.learned]\ntitle = "Beth ddysgon ni?"\nquestion = "Q?"\n'
        'entry_kind = "learning"\nhint = "H"\n\n[kinds.learning]\nlabel = "dysgu"\nheading = "H"\n',
        encoding="utf-8",
    )
    (root / "cy" / "templates" / "replies" / "saved.j2").write_text("Diolch!\n", encoding="utf-8")
    library = PromptLibrary.load(root, "cy")
    assert library.language == "cy"
    assert library.prompt("learned").title == "Beth ddysgon ni?"
    assert library.prompt("blocking").title == "What is getting in the way?"
    assert library.kind_label("learning") == "dysgu"
    assert (
        library.render("replies/saved", {"kind_label": "x", "prompt_title": None}, "plain")
        == "Diolch!"
    )
    assert "Sorry" in library.render("replies/unknown_verb", {"verb": "x", "verbs": []}, "plain")


def test_template_text_itself_is_escaped(tmp_path: Path) -> None:
    root = copy_prompts(tmp_path)
    (root / "en" / "templates" / "extra.j2").write_text(
        "Tom & Jerry <3 {{ name | bold }}\n\n\n\n{% if true %}\nend\n{% endif %}\n",
        encoding="utf-8",
    )
    library = PromptLibrary.load(root, "en")
    expected = {
        "telegram": "Tom &amp; Jerry &lt;3 <b>A&amp;B</b>\n\nend",
        "slack": "Tom &amp; Jerry &lt;3 *A&amp;B*\n\nend",
        "markdown": "Tom & Jerry \\<3 **A&B**\n\nend",
        "plain": "Tom & Jerry <3 *A&B*\n\nend",
    }
    for fmt, text in expected.items():
        assert library.render("extra", {"name": "A&B"}, fmt) == text  # type: ignore[arg-type]


def test_a_circle_language_not_yet_used_is_said_at_start(
    library: PromptLibrary, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(
        '[partnership]\nname = "Riverside"\ntimezone = "Europe/London"\n\n'
        '[[circles]]\nid = "core"\nname = "Core"\nkind = "partnership"\nlanguage = "cy"\n'
        'rooms = [{ platform = "console", channel = "core" }]\n'
    )
    check_prompts(load_config(path), library)
    [said] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "circles[0].language = 'cy' is not used yet" in said and "'en'" in said
