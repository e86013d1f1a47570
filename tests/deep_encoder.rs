//! The Rust encoder (candle) against the numpy reference of scripts/build/deep_encoder.py on the
//! shipped int8 weights (fixture: scripts/build/encoder-reference.py): same word pieces, same spans,
//! layer-2 states and the last layer's pooled state within 1e-3.

use mtcheck::detect::deep::encoder::{mean_pooled, Encoder};
use mtcheck::detect::deep::wordpieces::WordPieces;
use mtcheck::model_dir::default_model_dir;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    sentences: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    spans: Vec<(usize, usize)>,
    layer2: Vec<Vec<f32>>,
    pooled_last: Vec<f32>,
}

fn max_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn rust_encoder_matches_the_numpy_reference() {
    let dir = default_model_dir();
    let encoder = Encoder::load(&dir.join("encoder.safetensors")).unwrap();
    let pieces = WordPieces::load(&dir.join("encoder-tokenizer.json")).unwrap();
    let fixture: Fixture =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/encoder-reference.json").unwrap()).unwrap();
    // One batch with all three (packing sequences of other lengths must not change a sentence's states).
    let encoded: Vec<_> = fixture.sentences.iter().map(|c| pieces.encode(&c.text, 512)).collect();
    let ids: Vec<Vec<u32>> = encoded.iter().map(|p| p.ids.clone()).collect();
    let hidden = encoder.forward(&ids).unwrap();
    let last = hidden.layers.len() - 1;
    for (k, case) in fixture.sentences.iter().enumerate() {
        let pooled = mean_pooled(&hidden.sequence(last, k).unwrap()).unwrap().to_vec1::<f32>().unwrap();
        let layer2 = hidden.sequence(2, k).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(encoded[k].ids, case.ids, "{}", case.text);
        // The fixture's spans are character offsets; these texts are ASCII.
        let spans: Vec<(usize, usize)> = encoded[k].spans.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(spans, case.spans, "{}", case.text);
        for (position, expected) in case.layer2.iter().enumerate() {
            let d = max_difference(&layer2[position], expected);
            assert!(d < 1e-3, "{}: layer 2, piece {position}: off by {d}", case.text);
        }
        let d = max_difference(&pooled, &case.pooled_last);
        assert!(d < 1e-3, "{}: pooled last layer off by {d}", case.text);
    }
}

#[test]
fn a_corrupt_or_foreign_weight_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.safetensors");
    std::fs::write(&junk, b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all}").unwrap();
    let e = Encoder::load(&junk).err().expect("junk refused").to_string();
    assert!(e.contains("junk.safetensors") && e.contains("not a safetensors file"), "{e}");
    let short = dir.path().join("short.safetensors");
    std::fs::write(&short, b"abc").unwrap();
    assert!(Encoder::load(&short).is_err());
    let missing = Encoder::load(&dir.path().join("missing.safetensors")).err().expect("missing refused").to_string();
    assert!(missing.contains("missing.safetensors"), "{missing}");
}

#[test]
fn fine_tuning_writes_an_encoder_that_loads_with_its_mt_head() {
    use mtcheck::detect::deep::encoder::MtHead;
    use mtcheck::train::encoder::{fine_tune, Example, FineTuneOptions};
    use mtcheck::train::encoder_file::save;
    let dir = default_model_dir();
    let weights = dir.join("encoder.safetensors");
    let encoder = Encoder::load(&weights).unwrap();
    let pieces = WordPieces::load(&dir.join("encoder-tokenizer.json")).unwrap();
    let example = |text: &str, grade: Option<f32>, is_mt: Option<f32>| {
        let ids = pieces.encode(text, 64).ids;
        let words = (1..ids.len() - 1).map(|p| (vec![p], if grade == Some(-1.0) { 1.0 } else { 0.0 })).collect();
        Example { ids, words, grade, is_mt }
    };
    let examples = vec![
        example("The council approved the budget on Tuesday.", Some(1.0), Some(0.0)),
        example("Budget the council it approved Tuesday on the.", Some(-1.0), None),
        example("The weapons, such as copper and iron, strengthen Moscow.", None, Some(1.0)),
        example("Prices rose by two percent in March.", None, Some(0.0)),
    ];
    let options = FineTuneOptions {
        tagged: vec![],
        clean: vec![],
        clean_grade: 1.0,
        labelled: vec![],
        epochs: 2,
        learning_rate: 1e-4,
        head_learning_rate: 1e-2,
        batch_pieces: 40,
        sentence_weight: 0.5,
        mt_weight: 1.0,
        seed: 7,
    };
    let tuned = fine_tune(&encoder, &examples, &options, &|_, _, losses| {
        assert!(losses.token.is_finite() && losses.sentence.is_finite() && losses.mt.is_finite());
    })
    .unwrap();
    assert_eq!(tuned.layers.len(), encoder.layer_count());
    // The heads start at zero: training must have moved the MT head.
    let head = tuned.mt_head.as_ref().expect("MT and human sentences: an MT head");
    assert!(head.weights.iter().any(|w| *w != 0.0));
    let out = tempfile::tempdir().unwrap();
    let written = out.path().join("tuned.safetensors");
    save(&weights, &tuned, &written).unwrap();
    let loaded = Encoder::load(&written).unwrap();
    let MtHead { weights: read_weights, bias } = loaded.mt_head().expect("the MT head is saved").clone();
    assert_eq!(read_weights, head.weights);
    assert_eq!(bias, head.bias);
    // The layers come back as int8: equal to the tuned ones within a quantization step.
    for (l, layer) in tuned.layers.iter().enumerate() {
        for (tuned_tensor, read) in layer.iter().zip(loaded.layer_weights(l)) {
            let (a, b) = (
                tuned_tensor.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                read.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            );
            let top = a.iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!(max_difference(&a, &b) <= top / 127.0 + 1e-6, "layer {l}");
        }
    }
    // Loading fewer layers than the file has drops the head (it reads the last layer).
    assert!(Encoder::load_layers(&written, 1).unwrap().mt_head().is_none());
    // Without MT sentences there is no head to train, and none is written.
    let graded_only: Vec<Example> = examples.into_iter().map(|e| Example { is_mt: None, ..e }).collect();
    let tuned = fine_tune(&encoder, &graded_only, &FineTuneOptions { epochs: 1, ..options }, &|_, _, _| {}).unwrap();
    assert!(tuned.mt_head.is_none());
    save(&weights, &tuned, &written).unwrap();
    assert!(Encoder::load(&written).unwrap().mt_head().is_none());
}
