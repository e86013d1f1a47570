//! Spinning: a text sent on a round trip sentence by sentence, its layout kept (every line
//! break, blank line and the space between sentences stays where it was), as a content farm's
//! spinner does. Sentences the engine cannot take (over-long, or empty output) are kept as they
//! were and counted.

use super::{Counts, Outcome, RoundTripEngine};
use crate::text::sentences::sentence_spans;

/// A text spun `hops` times, and how its sentences fared.
pub fn spin_text(engine: &RoundTripEngine, text: &str, hops: usize) -> (String, Counts) {
    let spun = spin_texts(engine, &[text], hops);
    spun.into_iter().next().unwrap_or_default()
}

/// Several texts spun together (their sentences share the cores), in order.
pub fn spin_texts(engine: &RoundTripEngine, texts: &[&str], hops: usize) -> Vec<(String, Counts)> {
    // Sentences never cross a line: each line is split on its own, so paragraphs stay.
    let pieces: Vec<Vec<(usize, usize)>> = texts.iter().map(|t| sentence_ranges(t)).collect();
    let sentences: Vec<&str> =
        texts.iter().zip(&pieces).flat_map(|(t, ranges)| ranges.iter().map(move |&(s, e)| &t[s..e])).collect();
    let outcomes = engine.round_trip(&sentences, hops);
    let mut next = outcomes.into_iter();
    texts
        .iter()
        .zip(&pieces)
        .map(|(text, ranges)| {
            let mine: Vec<Outcome> = next.by_ref().take(ranges.len()).collect();
            let counts = Counts::of(&mine);
            let mut out = String::with_capacity(text.len() + text.len() / 4);
            let mut at = 0;
            for (&(s, e), outcome) in ranges.iter().zip(&mine) {
                out.push_str(&text[at..s]);
                out.push_str(outcome.text().unwrap_or(&text[s..e]));
                at = e;
            }
            out.push_str(&text[at..]);
            (out, counts)
        })
        .collect()
}

/// The byte ranges of the sentences of `text`, line by line.
fn sentence_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.extend(sentence_spans(line).into_iter().map(|s| (line_start + s.start, line_start + s.end)));
        }
        line_start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_stay_within_their_lines() {
        let text = "One here. Two here.\n\nThree\n  \nFour.";
        let ranges = sentence_ranges(text);
        let got: Vec<&str> = ranges.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(got, ["One here.", "Two here.", "Three", "Four."]);
    }
}
