"""`mtcheck serve` with the clients editors use: LanguageTool's own Python client
(language_tool_python, pointed at the server as a remote LanguageTool). The web page's tests
are in test_page.py."""

import pytest


GARBLED = ("Zoë 👍 wrote this for the café. The night is going on going on going on going on for "
           "the workers of the shifts of the the night na pahatubba na bhavataba.")


REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


def no_overlap(matches):
    spans = sorted((m.offset, m.offset + m.error_length) for m in matches)
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_languagetool_client_on_the_examples_and_a_clean_seed(server):
    """LanguageTool's own client finds the garbled stretches of examples/spun.txt, one
    underline each, and nothing in seed 000 (a clean article)."""
    from conftest import seed

    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        spun = (REPO / "examples" / "spun.txt").read_text(encoding="utf-8")
        matches = tool.check(spun)
        clean = tool.check(seed("000").read_text(encoding="utf-8"))
    finally:
        tool.close()
    stretches = [spun[m.offset:m.offset + m.error_length] for m in matches]
    assert any("going on going on" in s for s in stretches), stretches
    assert "na pahatubba" in stretches, stretches
    assert no_overlap(matches)
    assert clean == []


def test_languagetool_client_rule_filters(server):
    """The client's disabled_rules, enabled_rules and enabled_rules_only reach the server:
    words turned off bring back their sentences; "only this rule" gives only it."""
    language_tool_python = pytest.importorskip("language_tool_python")
    spun = (REPO / "examples" / "spun.txt").read_text(encoding="utf-8")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        everything = tool.check(spun)
        tool.disabled_rules = {"MTCHECK_GARBLED_WORDS"}
        without_words = tool.check(spun)
        tool.disabled_rules = set()
        tool.enabled_rules = {"MTCHECK_GARBLED_WORDS"}
        tool.enabled_rules_only = True
        only_words = tool.check(spun)
    finally:
        tool.close()
    rules = lambda ms: {m.rule_id for m in ms}
    assert rules(everything) >= {"MTCHECK_GARBLED_WORDS", "MTCHECK_GARBLED_SENTENCE"}
    assert rules(without_words) == {"MTCHECK_GARBLED_SENTENCE"}
    assert any("na pahatubba" in spun[m.offset:m.offset + m.error_length] for m in without_words)
    assert rules(only_words) == {"MTCHECK_GARBLED_WORDS"}
    assert no_overlap(without_words) and no_overlap(only_words)


def test_languagetool_client_reads_the_matches(server):
    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        matches = tool.check(GARBLED)
    finally:
        tool.close()
    assert matches, "the garbled sentence is found"
    # The client turns LanguageTool's UTF-16 offsets into Python string indices.
    found = [GARBLED[m.offset:m.offset + m.error_length] for m in matches]
    # (after an emoji, 2 UTF-16 units: a wrong count would shift every stretch)
    assert any(f.startswith("na pahatubba") or f.endswith("na pahatubba na bhavataba") for f in found), found
    for m in matches:
        assert GARBLED[m.offset:m.offset + m.error_length] in m.sentence
        assert m.category == "MTCHECK"
