//! Posterior files: a set of plausible coefficient vectors, one per row, each with its loss.
//!
//! Format (CSV): a header `draw,loss,NAME,NAME,…` (coefficients by their dotted names, as
//! `revsim explain --params` lists them), then one row per vector: its number (from 0), its
//! history loss (empty when unknown) and one value per coefficient. `revsim compare
//! --posterior FILE` gives run k vector k mod n in every scenario.

use crate::error::CommandError;
use crate::output::fmt_num;
use crate::scenario::Resolved;
use std::path::Path;

/// The vectors of a posterior file.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    pub names: Vec<String>,
    /// (loss, one value per name) per draw.
    pub draws: Vec<(f64, Vec<f64>)>,
}

impl Posterior {
    /// Draw `j` as (name, value) pairs.
    pub fn values(&self, j: usize) -> Vec<(String, f64)> {
        self.names.iter().cloned().zip(self.draws[j].1.iter().copied()).collect()
    }

    /// The file's text.
    pub fn to_csv(&self) -> String {
        let mut text = format!("draw,loss,{}\n", self.names.join(","));
        for (j, (loss, values)) in self.draws.iter().enumerate() {
            let v: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            let loss = if loss.is_finite() { fmt_num(*loss) } else { String::new() };
            text.push_str(&format!("{j},{loss},{}\n", v.join(",")));
        }
        text
    }

    /// Reads a posterior file; every name must be a parameter of `base`.
    pub fn read(path: &Path, base: &Resolved) -> Result<Posterior, CommandError> {
        let shown = path.display();
        let err = |m: String| CommandError::Input(format!("{shown}: {m}"));
        let mut reader = csv::Reader::from_path(path).map_err(|e| err(e.to_string()))?;
        let headers: Vec<String> =
            reader.headers().map_err(|e| err(e.to_string()))?.iter().map(str::to_string).collect();
        if headers.len() < 3 || headers[0] != "draw" || headers[1] != "loss" {
            return Err(err("the header must be draw,loss, then one coefficient name per column".into()));
        }
        let names = headers[2..].to_vec();
        let known = base.params().names();
        for n in &names {
            if !known.iter().any(|(k, _)| k == n) {
                return Err(err(format!("no parameter named `{n}` (revsim explain --params lists them)")));
            }
        }
        let mut draws = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| err(e.to_string()))?;
            let row = i + 2;
            let number =
                |c: usize| record.get(c).map(str::trim).unwrap_or("").parse::<f64>().ok().filter(|v| v.is_finite());
            let values: Vec<f64> = (2..headers.len())
                .map(|c| number(c).ok_or_else(|| err(format!("row {row}: `{}` is not a number", headers[c]))))
                .collect::<Result<_, _>>()?;
            draws.push((number(1).unwrap_or(f64::NAN), values));
        }
        if draws.is_empty() {
            return Err(err("no vector in the file".into()));
        }
        Ok(Posterior { names, draws })
    }

    /// The scenario once per draw, with the draw's coefficients set (those the scenario's own
    /// changes set keep its values).
    pub fn scenarios(&self, base: &Resolved) -> Result<Vec<Resolved>, CommandError> {
        (0..self.draws.len())
            .map(|j| {
                super::evaluate::with_values(base, &self.values(j))
                    .map_err(|e| CommandError::Input(format!("posterior draw {j}: {e}")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posterior_file_reads_back_what_was_written() {
        let base = crate::scenario::load(&crate::testing::baseline_path()).unwrap();
        let p = Posterior {
            names: vec!["war.conscription".into(), "activation.regional_rising".into()],
            draws: vec![(0.5, vec![0.001, 3.0]), (f64::NAN, vec![0.0014, 5.0])],
        };
        let dir = std::env::temp_dir().join(format!("revsim-posterior-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("posterior.csv");
        std::fs::write(&path, p.to_csv()).unwrap();
        let back = Posterior::read(&path, &base).unwrap();
        assert_eq!(back.names, p.names);
        assert_eq!(back.draws[0], p.draws[0]);
        assert!(back.draws[1].0.is_nan() && back.draws[1].1 == p.draws[1].1);
        let scenarios = back.scenarios(&base).unwrap();
        assert_eq!(scenarios[1].params().war.conscription, 0.0014);
        assert_eq!(scenarios[1].params().activation.regional_rising, 5);
        std::fs::write(&path, "draw,loss,war.conscriptoin\n0,,1\n").unwrap();
        assert!(Posterior::read(&path, &base).unwrap_err().to_string().contains("no parameter named"));
        std::fs::write(&path, "draw,loss,war.conscription\n0,,x\n").unwrap();
        assert!(Posterior::read(&path, &base).unwrap_err().to_string().contains("row 2"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
