"""A partnership's own prompt folder, laid over the built-in library."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.errors import ConfigError, TemplateError
from bot.package_data import builtin_prompts
from bot.text.layers import PROMPTS_ENV, own_prompts
from bot.text.library import PromptLibrary, library_for
from tests.harness import CONFIG, open_harness

BUILTIN = builtin_prompts()
SAVED = {"kind_label": "learning", "prompt_title": None}
UNKNOWN_VERB = {"verb": "x", "verbs": []}
GRATITUDE = """
    [prompts.gratitude]
    title = "Who helped you?"
    question = "Who made your week easier, and how?"
    entry_kind = "celebration"
    hint = "A name and a line is enough."
"""


def own_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    own = tmp_path / "own"
    own.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = own / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return own


def origin_of(library: PromptLibrary, kind: str, name: str) -> tuple[Path, bool]:
    [found] = [o for o in library.origins() if o.kind == kind and o.name == name]
    return found.path, found.own


def test_one_template_overridden_the_rest_built_in(tmp_path: Path) -> None:
    saved = "en/templates/replies/saved.j2"
    own = own_folder(tmp_path, {saved: "Thanks, noted as a {{ kind_label }}.\n"})
    library = PromptLibrary.load(BUILTIN, "en", own=own)
    builtin = PromptLibrary.load(BUILTIN, "en")
    assert library.render("replies/saved", SAVED, "plain") == "Thanks, noted as a learning."
    assert builtin.render("replies/saved", SAVED, "plain") != "Thanks, noted as a learning."
    assert library.render("replies/unknown_verb", UNKNOWN_VERB, "slack") == builtin.render(
        "replies/unknown_verb", UNKNOWN_VERB, "slack"
    )
    assert origin_of(library, "template", "replies/saved") == (own / saved, True)
    assert origin_of(library, "template", "reminder") == (
        BUILTIN / "en" / "templates" / "reminder.j2",
        False,
    )
    assert {o.name for o in library.origins() if o.own} == {"replies/saved"}
    assert len(library.origins()) == len(builtin.origins())


def test_a_prompt_added_and_one_question_changed(tmp_path: Path) -> None:
    own = own_folder(
        tmp_path,
        {"en/catalog.toml": GRATITUDE + '\n[prompts.learned]\nquestion = "What surprised you?"\n'},
    )
    library = PromptLibrary.load(BUILTIN, "en", own=own)
    assert library.prompt("gratitude").title == "Who helped you?"
    learned = library.prompt("learned")
    assert learned.question == "What surprised you?"
    assert learned.title == "What did we learn?"  # the fields it does not change are kept
    assert library.prompt("blocking").title == "What is getting in the way?"
    assert origin_of(library, "prompt", "gratitude") == (own / "en" / "catalog.toml", True)
    assert origin_of(library, "prompt", "blocking") == (BUILTIN / "en" / "catalog.toml", False)


def test_a_broken_own_template_names_its_file_and_line(tmp_path: Path) -> None:
    broken = "en/templates/replies/saved.j2"
    own = own_folder(tmp_path, {broken: "Thanks.\nStill fine.\n{{ kind_label ( }}\n"})
    with pytest.raises(TemplateError, match="template syntax") as caught:
        PromptLibrary.load(BUILTIN, "en", own=own)
    assert caught.value.path == str(own / broken) and caught.value.line == 3


def test_a_render_error_in_an_own_template_names_its_file_and_line(tmp_path: Path) -> None:
    saved = "en/templates/replies/saved.j2"
    own = own_folder(tmp_path, {saved: "Thanks.\n{{ nobody_gives_this }}\n"})
    library = PromptLibrary.load(BUILTIN, "en", own=own)
    with pytest.raises(TemplateError, match="nobody_gives_this") as caught:
        library.render("replies/saved", SAVED, "plain")
    assert caught.value.path == str(own / saved) and caught.value.line == 2


def test_a_broken_own_catalog_names_its_file_and_line(tmp_path: Path) -> None:
    own = own_folder(tmp_path, {"en/catalog.toml": "[prompts.learned]\nquestion = oops\n"})
    with pytest.raises(TemplateError, match="not valid TOML") as caught:
        PromptLibrary.load(BUILTIN, "en", own=own)
    assert caught.value.path == str(own / "en" / "catalog.toml") and caught.value.line == 2
    catalog = own / "en" / "catalog.toml"
    catalog.write_text('\n[prompts.new_one]\ntitle = "Half a prompt"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"\[prompts.new_one\] needs 'question'") as caught:
        PromptLibrary.load(BUILTIN, "en", own=own)
    assert caught.value.path == str(catalog) and caught.value.line == 2


def test_files_outside_a_language_folder_are_pointed_to_their_place(tmp_path: Path) -> None:
    own = own_folder(tmp_path, {"catalog.toml": GRATITUDE})
    with pytest.raises(TemplateError, match=r"move it to .*own/en/catalog\.toml"):
        PromptLibrary.load(BUILTIN, "en", own=own)
    with pytest.raises(TemplateError, match="does not exist"):
        PromptLibrary.load(BUILTIN, "en", own=tmp_path / "nowhere")


def test_an_own_language_falls_back_to_english(tmp_path: Path) -> None:
    own = own_folder(tmp_path, {"cy/templates/replies/saved.j2": "Diolch!\n"})
    library = PromptLibrary.load(BUILTIN, "cy", own=own)
    assert library.render("replies/saved", SAVED, "plain") == "Diolch!"
    assert library.prompt("learned").title == "What did we learn?"
    english = PromptLibrary.load(BUILTIN, "fr", own=own)  # no folder anywhere: all English
    assert english.render("replies/saved", SAVED, "plain") != "Diolch!"


def config_with_prompts(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "huddlebot.toml"
    text = textwrap.dedent(CONFIG).replace('language = "en"\n', f'language = "en"\n{line}\n', 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_setting_comes_from_the_config_or_the_environment(tmp_path: Path) -> None:
    own_folder(tmp_path, {"en/templates/replies/saved.j2": "Noted.\n"})
    config = load_config(config_with_prompts(tmp_path, 'prompts = "own"'))
    assert config.partnership.prompts == tmp_path / "own"
    settings = Settings.from_env({}, cwd=tmp_path)
    found = own_prompts(config, settings)
    assert found is not None and found.folder == tmp_path / "own"
    assert "partnership.prompts" in found.named_by
    assert (
        library_for(config, settings, builtin=BUILTIN).render("replies/saved", SAVED, "plain")
        == "Noted."
    )

    other = own_folder(tmp_path / "elsewhere", {"en/templates/replies/saved.j2": "Got it.\n"})
    settings = Settings.from_env({PROMPTS_ENV: "elsewhere/own"}, cwd=tmp_path)
    assert settings.prompts_dir == other
    found = own_prompts(config, settings)
    assert found is not None and found.folder == other and found.named_by == PROMPTS_ENV
    assert (
        library_for(config, settings, builtin=BUILTIN).render("replies/saved", SAVED, "plain")
        == "Got it."
    )


def test_a_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HUDDLEBOT_PROMPTS") as caught:
        Settings.from_env({PROMPTS_ENV: "missing"}, cwd=tmp_path)
    assert "does not exist" in str(caught.value)
    with pytest.raises(ConfigError, match=r"partnership\.prompts") as caught:
        load_config(config_with_prompts(tmp_path, 'prompts = "missing"'))
    assert str(tmp_path / "huddlebot.toml") in str(caught.value)


async def test_the_running_bot_asks_the_partnerships_own_question(
    tmp_path: Path, database_url: str
) -> None:
    own_folder(
        tmp_path, {"en/catalog.toml": '[prompts.learned]\nquestion = "What surprised you?"\n'}
    )
    config = load_config(config_with_prompts(tmp_path, 'prompts = "own"'))
    async with open_harness(config, database_url) as harness:
        await harness.say("/prompt learned")
        said = harness.take()
    assert "What surprised you?" in said
    assert "What did we learn?" in said
