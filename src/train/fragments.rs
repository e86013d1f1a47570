//! Fluent human fragments for training the sentence forest: the first 3 to 12 words of clean
//! paragraphs held out of LM training, without a final stop ("The Sony Xperia XZ2 was launched
//! with"), like the titles, captions, comments and cut-off lines of web text.
//!
//! Why: in the MLQE-PE train sets (four of the five pairs are Wikipedia text) a line without a
//! sentence ending is usually garbled MT. A scorer trained on them alone calls every fragment
//! bad, which fails on web text, where most fragments are fine. Left out of training, ru-en (short
//! web and Reddit lines) falls to Pearson 0.20, while the other pairs fall by 0.01-0.08. These
//! rows teach that shortness and a missing stop are not garble in themselves (reports/accuracy.md).

use super::damage::Rng;
use super::paragraphs_after_calibration;
use crate::error::Result;
use crate::io::eval_set::EvalRecord;
use std::path::Path;

/// Quality given to a fragment, in z units of the MLQE sets: better than the average MT
/// sentence, below clean full sentences (`damage::CLEAN_Z`).
pub const FRAGMENT_Z: f32 = 0.4;
const MIN_WORDS: usize = 3;
const MAX_WORDS: usize = 12;

/// Fragments of `take` paragraphs of held-out text `path` (after the calibration ones when it is
/// the `clean` file), their targets and their provenance entry: what both trainers add, in the
/// shape of `train::labelled_set`.
pub fn held_out(
    path: &Path,
    clean: &Path,
    clean_paragraphs: usize,
    take: usize,
) -> Result<(Vec<EvalRecord>, Vec<f32>, serde_json::Value)> {
    let records = records(&paragraphs_after_calibration(path, clean, clean_paragraphs, take)?);
    let targets = vec![FRAGMENT_Z; records.len()];
    let size = serde_json::json!({"set": format!("fragments of {}", path.display()), "records": records.len()});
    Ok((records, targets, size))
}

/// One fragment per paragraph of at least `MIN_WORDS + 1` words, as unlabelled records (no
/// token tags: the token forest does not see them). Deterministic (a fixed seed), so the
/// detector and the fast scorer train on the same fragments.
pub fn records(paragraphs: &[String]) -> Vec<EvalRecord> {
    let mut rng = Rng::new(11);
    paragraphs
        .iter()
        .filter_map(|p| {
            let words: Vec<&str> = p.split_whitespace().collect();
            if words.len() <= MIN_WORDS {
                return None;
            }
            let longest = MAX_WORDS.min(words.len() - 1);
            let take = MIN_WORDS + rng.below(longest - MIN_WORDS + 1);
            let text = words[..take].join(" ").trim_end_matches(['.', ',', ';', ':']).to_string();
            Some(EvalRecord {
                id: None,
                text,
                human_quality: Some(f64::from(FRAGMENT_Z)),
                is_mt: Some(0),
                tokens: None,
                bad: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_short_unterminated_prefixes() {
        let paragraphs = vec![
            "The bridge was opened in 1932 by the mayor, who cut a ribbon in front of a large crowd. It still stands."
                .to_string(),
            "Too short here.".to_string(),
            "One two three four five.".to_string(),
        ];
        let out = records(&paragraphs);
        assert_eq!(out.len(), 2, "the three-word paragraph has no fragment shorter than itself");
        for (r, p) in out.iter().zip([&paragraphs[0], &paragraphs[2]]) {
            let n = r.text.split_whitespace().count();
            assert!((MIN_WORDS..=MAX_WORDS).contains(&n) && n < p.split_whitespace().count(), "{}", r.text);
            assert!(p.starts_with(&r.text) && !r.text.ends_with(['.', ',']), "{}", r.text);
            assert_eq!(r.human_quality, Some(f64::from(FRAGMENT_Z)));
            assert!(r.bad.is_none());
        }
        assert_eq!(
            records(&paragraphs).iter().map(|r| &r.text).collect::<Vec<_>>(),
            out.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
    }
}
