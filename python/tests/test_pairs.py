"""mtcheck.find_spun_copies: `mtcheck pairs` from Python (issue 27)."""
import json
import os

import mtcheck

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def example(name):
    with open(os.path.join(REPO, "examples", name), encoding="utf-8") as f:
        return f.read()


def test_the_spun_example_is_found_with_its_original_and_bad_records_are_listed(tmp_path):
    path = tmp_path / "docs.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "spun", "text": example("article-spun.txt")}) + "\n")
        f.write('{"id": "broken", "text": \n')
        f.write(json.dumps({"id": "news", "text": example("article.txt")}) + "\n")
    found = mtcheck.find_spun_copies([path])
    by_id = {p["id"]: p for p in found["pairs"]}
    assert by_id["spun"]["role"] == "spun_copy"
    assert by_id["spun"]["spun_copy_of"] == "news"
    assert by_id["spun"]["original"] == {"input": str(path), "line": 3}
    assert by_id["news"]["role"] == "original"
    assert found["errors"] == [{"input": str(path), "line": 2, "error": found["errors"][0]["error"]}]
    assert "invalid JSON" in found["errors"][0]["error"]
