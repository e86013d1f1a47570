//! `mtcheck filter` end to end: every record accounted for, order and bytes preserved,
//! compressed inputs and outputs, bad records reported with file and line, --keep-top,
//! --annotate, and no half-written output after an interrupt.

mod common;

use common::{mtcheck, shared};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `n` records of clean news and `n` of poor machine translation (interleaved), with
/// unknown fields in odd places and odd spacing, as crawls have them.
fn mixed_records(n: usize) -> Vec<String> {
    let read = |set: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(shared(&format!("data/dev/{set}")))
            .unwrap_or_else(|e| panic!("{set}: {e} (../shared must sit beside the repository)"))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let news = read("news-reuters-1987.jsonl");
    let mut mt = read("mlqe-si-en-dev.jsonl");
    mt.sort_by(|a, b| a["human_quality"].as_f64().unwrap().total_cmp(&b["human_quality"].as_f64().unwrap()));
    let mut out = Vec::new();
    for i in 0..n {
        let text = |v: &serde_json::Value| serde_json::to_string(&v["text"]).unwrap();
        out.push(format!(
            r#"{{"url": "https://example.org/{i}", "text": {},  "meta": {{"b": [1, 2.50], "a": null}}}}"#,
            text(&news[i])
        ));
        out.push(format!(r#"{{"text":{},"id":"mt-{i}"}}"#, text(&mt[i])));
    }
    out
}

fn write(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    path
}

fn lines(path: &Path) -> Vec<String> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut mtcheck::io::input::open_reader(path).unwrap(), &mut bytes).unwrap();
    String::from_utf8_lossy(&bytes).lines().map(str::to_string).collect()
}

/// Whether `part` appears in `whole` in the same order.
fn is_subsequence(part: &[String], whole: &[String]) -> bool {
    let mut it = whole.iter();
    part.iter().all(|p| it.any(|w| w == p))
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = mtcheck(args, b"");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_record_is_accounted_for_and_kept_ones_pass_through_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = mixed_records(100);
    let bad = [
        (5, r#"{"text": "unterminated"#.to_string()),
        (50, r#"{"body": "no text field"}"#.to_string()),
        (120, r#"{"text": 42}"#.to_string()),
        (150, "[1, 2, 3]".to_string()),
    ];
    for (at, line) in &bad {
        input.insert(*at, line.clone());
    }
    let mut raw = input.iter().map(|l| format!("{l}\n")).collect::<String>().into_bytes();
    raw.extend_from_slice(b"{\"text\": \"caf\xe9\"}\n"); // invalid UTF-8: the last line
    let path = dir.path().join("mixed.jsonl");
    std::fs::write(&path, &raw).unwrap();
    let (kept, rejected) = (dir.path().join("kept.jsonl"), dir.path().join("rejected.jsonl"));
    let stats = dir.path().join("stats.json");
    let (code, stderr) = run(&[
        "filter",
        path.to_str().unwrap(),
        "--min-quality",
        "0.55",
        "-o",
        kept.to_str().unwrap(),
        "--rejected",
        rejected.to_str().unwrap(),
        "--stats",
        stats.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "bad records make the exit code 2: {stderr}");
    let all: Vec<String> = String::from_utf8_lossy(&raw).lines().map(str::to_string).collect();
    let (kept, rejected) = (lines(&kept), lines(&rejected));
    assert_eq!(kept.len() + rejected.len(), all.len(), "kept + rejected = read");
    assert!(is_subsequence(&kept, &all) && is_subsequence(&rejected, &all), "records pass through as read, in order");
    for (at, _) in &bad {
        assert!(stderr.contains(&format!("mixed.jsonl:{}:", at + 1)), "bad line {} reported: {stderr}", at + 1);
    }
    assert!(stderr.contains(&format!("mixed.jsonl:{}: invalid UTF-8", all.len())), "{stderr}");
    assert!(
        stderr.contains(&format!("read {} records", all.len())) && stderr.contains("errors            5"),
        "{stderr}"
    );
    let stats: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(stats["read"], all.len());
    assert_eq!((stats["kept"].as_u64(), stats["errors"].as_u64()), (Some(kept.len() as u64), Some(5)));
    assert_eq!(stats["kept"].as_u64().unwrap() + stats["dropped"].as_u64().unwrap() + 5, all.len() as u64);
    let histogram: u64 = stats["quality_histogram"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(histogram, all.len() as u64 - 5, "every scored record is in the histogram");
    // It keeps clean news and drops poor machine translation.
    let kept_news = kept.iter().filter(|l| l.contains("example.org")).count();
    let kept_mt = kept.iter().filter(|l| l.contains("\"mt-")).count();
    assert!(kept_news >= 75 && kept_mt + 10 <= kept_news, "kept {kept_news} of 100 news and {kept_mt} of 100 MT");
}

#[test]
fn order_is_preserved_on_all_cores_and_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(600);
    let path = write(dir.path(), "in.jsonl", &input);
    let keep_all = mtcheck(&["filter", path.to_str().unwrap(), "--min-quality", "0", "-j", "2"], b"");
    assert_eq!(String::from_utf8(keep_all.stdout).unwrap(), input.iter().map(|l| format!("{l}\n")).collect::<String>());
    let one = mtcheck(&["filter", path.to_str().unwrap(), "--min-quality", "0.6", "-j", "1"], b"");
    let two = mtcheck(&["filter", path.to_str().unwrap(), "--min-quality", "0.6", "-j", "2"], b"");
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.status.code(), Some(0));
}

#[test]
fn gz_and_zst_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(50);
    let plain = write(dir.path(), "in.jsonl", &input);
    let expected = mtcheck(&["filter", plain.to_str().unwrap(), "--min-quality", "0.6"], b"").stdout;
    let body = std::fs::read(&plain).unwrap();
    let gz = dir.path().join("in.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::default());
    enc.write_all(&body).unwrap();
    enc.finish().unwrap();
    let zst = dir.path().join("in.jsonl.zst");
    std::fs::write(&zst, zstd::encode_all(&body[..], 3).unwrap()).unwrap();
    // Compressed input is also recognized by its magic bytes: on stdin, or misnamed.
    let misnamed = dir.path().join("really-zst.jsonl");
    std::fs::copy(&zst, &misnamed).unwrap();
    let from_stdin =
        mtcheck(&["filter", "-", "--input-format", "jsonl", "--min-quality", "0.6"], &std::fs::read(&gz).unwrap());
    assert_eq!(from_stdin.stdout, expected, "gzip on stdin");
    for (input, output) in
        [(&gz, "out.jsonl.zst"), (&zst, "out.jsonl.gz"), (&zst, "out.jsonl"), (&misnamed, "out2.jsonl")]
    {
        let out = dir.path().join(output);
        let (code, stderr) =
            run(&["filter", input.to_str().unwrap(), "--min-quality", "0.6", "-o", out.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(
            lines(&out).join("\n") + "\n",
            String::from_utf8(expected.clone()).unwrap(),
            "{} -> {output}",
            input.display()
        );
    }
}

#[test]
fn a_truncated_zst_is_reported_with_its_name_and_the_next_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(300);
    let body = |lines: &[String]| {
        zstd::encode_all(lines.iter().map(|l| format!("{l}\n")).collect::<String>().as_bytes(), 3).unwrap()
    };
    // Two zstd frames, the second cut in half: the first one's records are read.
    let (first, second) = (body(&input[..200]), body(&input[200..]));
    let cut = dir.path().join("cut.jsonl.zst");
    std::fs::write(&cut, [&first[..], &second[..second.len() / 2]].concat()).unwrap();
    let good = write(dir.path(), "good.jsonl", &input[..10]);
    let out = mtcheck(&["filter", cut.to_str().unwrap(), good.to_str().unwrap(), "--min-quality", "0"], b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("cut.jsonl.zst:") && stderr.contains("truncated or corrupt"), "{stderr}");
    let kept: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert!(kept.len() >= 210 && kept.len() < 610, "records before the cut and the next file: {}", kept.len());
    assert_eq!(kept[..200], input[..200].iter().map(String::as_str).collect::<Vec<_>>()[..]);
    assert_eq!(kept[kept.len() - 10..], input[..10].iter().map(String::as_str).collect::<Vec<_>>()[..]);
}

#[test]
fn a_huge_line_is_reported_by_number_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = mixed_records(5);
    input.insert(3, format!(r#"{{"text": "{}"}}"#, "word ".repeat(2000)));
    let path = write(dir.path(), "in.jsonl", &input);
    let out = mtcheck(&["filter", path.to_str().unwrap(), "--min-quality", "0", "--max-record-bytes", "5000"], b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("in.jsonl:4: line of 10012 bytes is over the limit of 5000"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 10);
}

#[test]
fn keep_top_keeps_the_best_share_from_files_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(100);
    let path = write(dir.path(), "in.jsonl", &input);
    let annotated = mtcheck(&["filter", path.to_str().unwrap(), "--annotate", "--scorer", "fast"], b"");
    let quality: Vec<f64> = std::str::from_utf8(&annotated.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["mtcheck"]["quality"].as_f64().unwrap())
        .collect();
    let from_file = mtcheck(&["filter", path.to_str().unwrap(), "--keep-top", "30%"], b"");
    let from_stdin = mtcheck(&["filter", "--keep-top", "30"], std::fs::read(&path).unwrap().as_slice()); // JSONL recognized by its `{`
    assert_eq!(from_file.stdout, from_stdin.stdout);
    let kept: Vec<String> = std::str::from_utf8(&from_file.stdout).unwrap().lines().map(str::to_string).collect();
    assert!((60..=62).contains(&kept.len()), "30% of 200: {}", kept.len());
    let worst_kept = input.iter().zip(&quality).filter(|(l, _)| kept.contains(l)).map(|(_, q)| *q).fold(1.0, f64::min);
    let best_dropped =
        input.iter().zip(&quality).filter(|(l, _)| !kept.contains(l)).map(|(_, q)| *q).fold(0.0, f64::max);
    assert!(worst_kept >= best_dropped - 1e-3, "kept {worst_kept} < dropped {best_dropped}");
    assert!(String::from_utf8_lossy(&from_file.stderr).contains("--keep-top 30%: cut at quality"));
}

#[test]
fn annotate_keeps_everything_and_adds_an_mtcheck_object() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(20);
    let path = write(dir.path(), "in.jsonl", &input);
    let out = mtcheck(&["filter", path.to_str().unwrap(), "--annotate", "--min-quality", "0.6"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(out.len(), input.len());
    let mut spans = 0;
    for (line, original) in out.iter().zip(&input) {
        let trimmed = original.trim_end_matches('}');
        assert!(line.starts_with(trimmed), "the record's own bytes come first");
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let m = &v["mtcheck"];
        assert!((0.0..=1.0).contains(&m["quality"].as_f64().unwrap()));
        assert_eq!(m["keep"].as_bool().unwrap(), m["quality"].as_f64().unwrap() >= 0.6);
        let text: Vec<char> = v["text"].as_str().unwrap().chars().collect();
        for span in m["spans"].as_array().unwrap() {
            let s = span.as_array().unwrap();
            assert_eq!(s.len(), 4, "[start, end, score, reason]");
            assert!(s[0].as_u64().unwrap() < s[1].as_u64().unwrap() && s[1].as_u64().unwrap() as usize <= text.len());
            assert!(s[3].is_string());
            spans += 1;
        }
    }
    assert!(spans > 0, "the detector marks spans in poor machine translation");
}

#[test]
fn the_deep_scorer_gives_each_record_the_quality_check_deep_gives_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(3);
    let path = write(dir.path(), "in.jsonl", &input);
    let out = mtcheck(&["filter", path.to_str().unwrap(), "--scorer", "deep", "--annotate"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let filtered: Vec<serde_json::Value> =
        std::str::from_utf8(&out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(filtered.len(), input.len());
    let checked = mtcheck(&["check", "--deep", path.to_str().unwrap(), "--format", "jsonl"], b"");
    let checked: Vec<serde_json::Value> =
        std::str::from_utf8(&checked.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(checked.len(), input.len());
    for (f, c) in filtered.iter().zip(&checked) {
        let (a, b) = (f["mtcheck"]["quality"].as_f64().unwrap(), c["quality"].as_f64().unwrap());
        assert!((a - b).abs() < 1e-3, "filter --scorer deep {a}, check --deep {b}");
    }
}

#[test]
fn text_input_is_a_document_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docs.txt");
    std::fs::write(&path, b"The council approved the budget on Tuesday after a long debate.\r\nbad \xff byte\n\nLast line without a newline.").unwrap();
    let out = mtcheck(&["filter", path.to_str().unwrap(), "--min-quality", "0"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("docs.txt:2: invalid UTF-8 at byte 4"));
    // The blank line is no document (as in JSONL): skipped, not passed through.
    assert_eq!(
        out.stdout,
        b"The council approved the budget on Tuesday after a long debate.\r\nLast line without a newline.\n"
    );
}

#[test]
fn mistakes_in_the_command_get_advice() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "in.jsonl", &mixed_records(1));
    let p = path.to_str().unwrap();
    let (code, stderr) = run(&["filter", p]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("say what to keep: --min-quality"), "{stderr}");
    let (code, stderr) = run(&["filter", p, "--min-quality", "0.5", "-o", p]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("both an input and an output"), "{stderr}");
    let (code, stderr) = run(&["filter", p, "--keep-top", "120%"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not between 0% and 100%"), "{stderr}");
    let (code, stderr) = run(&["filter", "missing.jsonl", p, "--min-quality", "0.5"]);
    assert_eq!(code, Some(2), "a missing input is an error, the others are still read");
    // The missing input counts as one record read and bad: kept + dropped + errors = read.
    assert!(stderr.contains("missing.jsonl") && stderr.contains("read 3 records"), "{stderr}");
    assert!(stderr.contains("errors            1"), "{stderr}");
}

#[test]
fn an_interrupted_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kept.jsonl.zst");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mtcheck"))
        .args(["filter", "-", "--input-format", "jsonl", "--min-quality", "0", "-o", out.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in mixed_records(20) {
        writeln!(stdin, "{line}").unwrap();
    }
    // Wait until the partial file exists (the model is loaded and the handler installed).
    for _ in 0..100 {
        if std::fs::read_dir(dir.path()).unwrap().count() > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(130));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn directories_are_walked_in_order_and_hidden_files_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(3);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(&dir.path().join("sub"), "b.jsonl", &input[2..4]);
    write(dir.path(), "a.jsonl", &input[..2]);
    write(dir.path(), ".hidden.jsonl", &input[4..]);
    let text = dir.path().join("c.txt.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&text).unwrap(), flate2::Compression::default());
    enc.write_all(b"The council approved the budget on Tuesday after a long debate.\n").unwrap();
    enc.finish().unwrap();
    let out = mtcheck(&["filter", dir.path().to_str().unwrap(), "--min-quality", "0"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut expected: Vec<String> = input[..2].to_vec();
    expected.push("The council approved the budget on Tuesday after a long debate.".to_string());
    expected.extend_from_slice(&input[2..4]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect::<Vec<_>>(), expected);
}

#[test]
fn max_flagged_keeps_documents_by_their_share_of_flagged_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed_records(100);
    let path = write(dir.path(), "in.jsonl", &input);
    let annotated =
        mtcheck(&["filter", path.to_str().unwrap(), "--annotate", "--scorer", "fast", "--max-flagged", "0"], b"");
    let keep: Vec<bool> = std::str::from_utf8(&annotated.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let m = serde_json::from_str::<serde_json::Value>(l).unwrap()["mtcheck"].clone();
            assert_eq!(m["keep"].as_bool().unwrap(), m["flagged_sentences"].as_array().unwrap().is_empty());
            m["keep"].as_bool().unwrap()
        })
        .collect();
    let kept = mtcheck(&["filter", path.to_str().unwrap(), "--max-flagged", "0"], b"");
    let expected: Vec<&str> = input.iter().zip(&keep).filter(|(_, &k)| k).map(|(l, _)| l.as_str()).collect();
    assert_eq!(std::str::from_utf8(&kept.stdout).unwrap().lines().collect::<Vec<_>>(), expected);
    assert!(expected.len() > 20 && expected.len() < 200, "some flagged, some not: {}", expected.len());
}

#[test]
fn blank_lines_are_skipped_in_filter_and_pairs_as_check_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = mixed_records(2);
    records.insert(1, String::new());
    records.insert(3, "  \t \r".to_string());
    let input = write(dir.path(), "blank.jsonl", &records);
    let out = dir.path().join("out.jsonl");
    let (code, stderr) = run(&["filter", input.to_str().unwrap(), "--annotate", "-o", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("read 4 records") || stderr.contains("4 records"), "{stderr}");
    assert_eq!(lines(&out).len(), 4, "the four records, annotated");
    let (code, stderr) =
        run(&["pairs", input.to_str().unwrap(), "--fast", "-o", dir.path().join("p.jsonl").to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("read 4 records"), "{stderr}");
}
