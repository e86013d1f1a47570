//! `mtcheck eval` must agree with the reference metrics, ../shared/tools/score.py, on real dev
//! sets (DESIGN "Evaluation sets"). Needs python3 and ../shared beside the repository.

use std::path::{Path, PathBuf};
use std::process::Command;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(rel)
}

#[test]
fn eval_table_agrees_with_score_py() {
    let dir = tempfile::tempdir().unwrap();
    let sets = ["data/dev/mlqe-ro-en-dev.jsonl", "data/dev/news-reuters-1987.jsonl"];
    let out = Command::new(env!("CARGO_BIN_EXE_mtcheck"))
        .arg("eval")
        .args(sets.iter().map(|s| shared(s)))
        .arg("--predictions")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    for set in sets {
        let name = Path::new(set).file_name().unwrap();
        let stem = Path::new(set).file_stem().unwrap().to_str().unwrap();
        let reference = Command::new("python3")
            .arg(shared("tools/score.py"))
            .arg(shared(set))
            .arg(dir.path().join(name))
            .arg("--json")
            .output()
            .expect("python3 runs score.py");
        let reference: serde_json::Value = serde_json::from_slice(&reference.stdout).unwrap();
        let row: Vec<&str> =
            table.lines().find(|l| l.starts_with(&format!("| {stem} |"))).unwrap().split('|').map(str::trim).collect();
        let columns =
            ["pearson", "spearman", "auc_mt", "word_mcc", "word_flag_rate", "fp_sentence_rate", "fp_span_rate"];
        let mut compared = 0;
        for (i, key) in columns.iter().enumerate() {
            let ours = row[3 + i];
            match reference.get(*key).and_then(|v| v.as_f64()) {
                Some(theirs) => {
                    let ours: f64 = ours.parse().unwrap_or_else(|_| panic!("{stem} {key}: {ours}"));
                    assert!((ours - theirs).abs() < 6e-4, "{stem} {key}: ours {ours}, score.py {theirs}");
                    compared += 1;
                }
                None => assert_eq!(ours, "—", "{stem} {key} should be absent"),
            }
        }
        assert!(compared >= 2, "{stem}: compared {compared} metrics");
    }
}
