//! `mtcheck features [--dump SET.jsonl]`: the registered features, or their values.

use anyhow::{Context as _, Result};
use clap::Args;
use mtcheck::detect::roundtrip::{self, lm_ratio::LmRatio};
use mtcheck::features::{self, Context, FEATURES};
use mtcheck::io::eval_set::read_set;
use mtcheck::io::eval_set::EvalRecord;
use mtcheck::model_dir::default_model_dir;
use mtcheck::translate::RoundTripEngine;
use mtcheck::{Checker, DeepChecker};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct FeaturesArgs {
    /// Print the sentence scorer's inputs for every sentence of this JSONL set (one JSON
    /// object per sentence: record index, sentence index, inputs by name).
    #[arg(long)]
    pub dump: Option<PathBuf>,
    /// Model folder (default: $MTCHECK_MODEL_DIR, else models/en next to the executable, else
    /// the models/en of the source tree it was built from).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// With --dump: the deep detector's reading instead (per prose sentence: the MT head's
    /// logit), for fitting what stands on it (scripts/).
    #[arg(long, requires = "dump")]
    pub deep: bool,
    /// With --dump: per record, the round trips of its sampled prose sentences through the MT
    /// engine (text, word similarity, LM statistics of both sides) and today's P(MT), for
    /// fitting the round-trip evidence (scripts/build/fit-roundtrip.py).
    #[arg(long, requires = "dump", conflicts_with = "deep")]
    pub roundtrip: bool,
    /// With --dump: per record, the LM ratio of the prose sentences a round trip would sample
    /// (no translation: seconds, where --roundtrip takes minutes), for the same fit.
    #[arg(long, requires = "dump", conflicts_with_all = ["deep", "roundtrip"])]
    pub lm_ratio: bool,
}

pub fn run(args: FeaturesArgs) -> Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let Some(set) = args.dump else {
        for f in FEATURES {
            let scope = if f.is_token() { "token" } else { "sentence" };
            writeln!(out, "{:<20} {:<8} {}", f.name, scope, f.description)?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    };
    let dir = args.model.unwrap_or_else(default_model_dir);
    let records = read_set(&set)?;
    if args.deep {
        return dump_deep(&DeepChecker::with_model(&dir)?, &records, &mut out);
    }
    if args.roundtrip {
        // The garble evidence alone: its P(MT) is what the round trips are fitted beside.
        let checker = Checker::without_round_trips(&dir)?;
        let engine = RoundTripEngine::open(&mtcheck::translate::engine_dir_for(&dir))?;
        let ratio = LmRatio::open(&dir)?;
        return dump_roundtrip(&checker, &engine, ratio.as_ref(), &records, &mut out);
    }
    if args.lm_ratio {
        let checker = Checker::without_round_trips(&dir)?;
        let ratio = LmRatio::open(&dir)?.with_context(|| {
            format!("{} has no LM-ratio models (scripts/build/build-lm-ratio.sh makes them)", dir.display())
        })?;
        return dump_lm_ratio(&checker, &ratio, &records, &mut out);
    }
    let checker = Checker::with_model(&dir)?;
    let names = features::sentence_input_names();
    let rows: Vec<Vec<(usize, Vec<f32>)>> = records
        .par_iter()
        .map(|r| {
            let doc = checker.analyzer().analyze(&r.text);
            let ctx = Context::new(&doc, &checker.scorer().char_shape, checker.topics());
            doc.sentences
                .iter()
                .enumerate()
                .map(|(j, s)| (j, features::sentence_inputs(&features::compute(&ctx, s))))
                .collect()
        })
        .collect();
    for (i, sentences) in rows.into_iter().enumerate() {
        for (j, values) in sentences {
            let map: serde_json::Map<String, serde_json::Value> =
                names.iter().cloned().zip(values.into_iter().map(|v| serde_json::json!(v))).collect();
            serde_json::to_writer(&mut out, &serde_json::json!({"record": i, "sentence": j, "inputs": map}))?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Per record of `records`: {"record", "id", "p_mt" (the garble evidence's), "prose",
/// "trips": [...]}, records in order (each record's sentences share the cores).
fn dump_roundtrip(
    checker: &Checker,
    engine: &RoundTripEngine,
    ratio: Option<&LmRatio>,
    records: &[EvalRecord],
    out: &mut impl Write,
) -> Result<ExitCode> {
    for (i, record) in records.iter().enumerate() {
        let doc = checker.analyzer().analyze(&record.text);
        let prose = doc.sentences.iter().filter(|s| s.kind == mtcheck::analysis::SentenceKind::Prose).count();
        let trips = roundtrip::trips(engine, checker.analyzer(), &doc, ratio);
        let (_, evidence) = checker.check_document(&doc);
        let p_mt = checker.document_model().and_then(|d| d.p_mt(&evidence));
        let trips: Vec<serde_json::Value> = trips
            .iter()
            .map(|t| {
                let mut v = serde_json::to_value(t).unwrap_or_default();
                v["text"] = doc.text[doc.sentences[t.sentence].bytes.range()].into();
                v
            })
            .collect();
        let row = serde_json::json!({"record": i, "id": record.id, "p_mt": p_mt, "prose": prose, "trips": trips});
        serde_json::to_writer(&mut *out, &row)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Per record of `records`: {"record", "id", "ratios": [{"sentence", "lm_ratio"}]} over the
/// sentences [`roundtrip::sample`] picks (records in order, on all cores).
fn dump_lm_ratio(checker: &Checker, ratio: &LmRatio, records: &[EvalRecord], out: &mut impl Write) -> Result<ExitCode> {
    let rows: Vec<serde_json::Value> = records
        .par_iter()
        .enumerate()
        .map(|(i, record)| {
            let doc = checker.analyzer().analyze(&record.text);
            let ratios: Vec<serde_json::Value> = roundtrip::sample(&doc)
                .into_iter()
                .map(|j| serde_json::json!({"sentence": j, "lm_ratio": ratio.of_sentence(&doc.sentences[j])}))
                .collect();
            serde_json::json!({"record": i, "id": record.id, "ratios": ratios})
        })
        .collect();
    for row in rows {
        serde_json::to_writer(&mut *out, &row)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Per prose sentence of `records`: {"record", "sentence", "mt_logit"} (null without an MT head).
fn dump_deep(checker: &DeepChecker, records: &[EvalRecord], out: &mut impl Write) -> Result<ExitCode> {
    // The encoder uses both cores within a record; records go one by one.
    for (i, record) in records.iter().enumerate() {
        let doc = checker.full().analyzer().analyze(&record.text);
        for (j, reading) in checker.read_prose(&doc) {
            let mt_logit = reading.and_then(|r| r.mt_logit);
            serde_json::to_writer(&mut *out, &serde_json::json!({"record": i, "sentence": j, "mt_logit": mt_logit}))?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
