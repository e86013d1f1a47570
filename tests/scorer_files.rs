//! The full scorer's files: `scorer.json` + the binary `scorer.forest` it names; the older
//! all-JSON form (v1) still loads; a forest file from another training is refused.

use mtcheck::detect::full::model::ScorerModel;
use std::path::PathBuf;

fn shipped() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/en")
}

fn same_trees(a: &ScorerModel, b: &ScorerModel) {
    for (x, y) in [(&a.sentence, &b.sentence), (&a.token, &b.token)] {
        assert_eq!(x.trees.len(), y.trees.len());
        assert_eq!(x.base.to_bits(), y.base.to_bits());
        for (s, t) in x.trees.iter().zip(&y.trees) {
            assert_eq!((&s.feature, &s.left), (&t.feature, &t.left));
            assert!(s.threshold.iter().zip(&t.threshold).all(|(p, q)| p.to_bits() == q.to_bits()));
            assert!(s.value.iter().zip(&t.value).all(|(p, q)| p.to_bits() == q.to_bits()));
        }
    }
}

#[test]
fn the_shipped_scorer_round_trips_and_the_v1_form_still_loads() {
    let model = ScorerModel::load(&shipped().join("scorer.json")).unwrap();
    assert!(model.sentence.trees.len() > 100 && model.token.trees.len() > 10);
    let dir = tempfile::tempdir().unwrap();

    model.save(&dir.path().join("scorer.json")).unwrap();
    assert!(dir.path().join("scorer.forest").exists());
    same_trees(&model, &ScorerModel::load(&dir.path().join("scorer.json")).unwrap());

    // v1: the same model with its forests inline in the JSON.
    let mut v1 = serde_json::to_value(&model).unwrap();
    let map = v1.as_object_mut().unwrap();
    map.insert("format".into(), "mtcheck-scorer v1".into());
    map.insert("sentence".into(), serde_json::to_value(&model.sentence).unwrap());
    map.insert("token".into(), serde_json::to_value(&model.token).unwrap());
    map.remove("forests");
    let v1_path = dir.path().join("v1.json");
    std::fs::write(&v1_path, serde_json::to_vec(&v1).unwrap()).unwrap();
    same_trees(&model, &ScorerModel::load(&v1_path).unwrap());
}

#[test]
fn a_forest_file_that_does_not_match_its_json_is_refused() {
    let model = ScorerModel::load(&shipped().join("scorer.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scorer.json");
    model.save(&json).unwrap();
    let forest = dir.path().join("scorer.forest");
    let mut bytes = std::fs::read(&forest).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&forest, &bytes).unwrap();
    let err = ScorerModel::load(&json).unwrap_err().to_string();
    assert!(err.contains("scorer.forest") && err.contains("checksum"), "{err}");
    std::fs::remove_file(&forest).unwrap();
    let err = ScorerModel::load(&json).unwrap_err().to_string();
    assert!(err.contains("scorer.forest"), "{err}");
    // The JSON may only name a file beside it.
    let mut named: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    named["forests"]["file"] = "../scorer.forest".into();
    std::fs::write(&json, serde_json::to_vec(&named).unwrap()).unwrap();
    let err = ScorerModel::load(&json).unwrap_err().to_string();
    assert!(err.contains("not a file name beside it"), "{err}");
}
