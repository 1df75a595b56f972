//! Reference models: published models rebuilt on revsim's rules, to test the rules against their
//! sources and to time the engine beside other tools. See docs/EPSTEIN.md.
//!
//! [`epstein`] is Epstein's civil-violence model (2002); `revsim epstein` runs it and writes
//! `counts.csv` (one row per step: active, quiet, jailed citizens) and `counts.svg`.

pub mod epstein;

use crate::commands::CommandError;
use crate::output::{StagedDir, check_out_dir, write_atomic};
use epstein::{Config, Counts, Model};
use std::path::{Path, PathBuf};

/// Runs `steps` steps and returns the counts after each.
pub fn run(config: Config, steps: usize) -> Result<Vec<Counts>, String> {
    let mut model = Model::new(config)?;
    Ok((0..steps).map(|_| model.step()).collect())
}

/// Bursts of rebellion: runs of consecutive steps with more than `threshold` active citizens,
/// as (first step index, length).
pub fn bursts(active: &[u32], threshold: u32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (t, &a) in active.iter().chain(std::iter::once(&0)).enumerate() {
        match (a > threshold, start) {
            (true, None) => start = Some(t),
            (false, Some(s)) => {
                out.push((s, t - s));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The counts as CSV: `step,active,quiet,jailed`, steps from 1.
pub fn counts_csv(counts: &[Counts]) -> String {
    let mut text = String::from("step,active,quiet,jailed\n");
    for (t, c) in counts.iter().enumerate() {
        text.push_str(&format!("{},{},{},{}\n", t + 1, c.active, c.quiet, c.jailed));
    }
    text
}

/// A series of the chart: name, colour, and the count it draws.
type Line = (&'static str, plotters::style::RGBColor, fn(&Counts) -> u32);

/// A line chart of the three counts against the step, as SVG text.
pub fn counts_svg(counts: &[Counts], title: &str) -> Result<String, String> {
    use plotters::prelude::*;
    crate::chart::register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 450)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = counts.iter().map(|c| c.active.max(c.quiet).max(c.jailed)).max().unwrap_or(0).max(1);
        let font = "sans-serif";
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (font, 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(1..counts.len().max(2), 0..top + top / 20)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("citizens")
            .label_style((font, 12))
            .draw()
            .map_err(|e| e.to_string())?;
        let lines: [Line; 3] = [
            ("active", RGBColor(200, 30, 30), |c| c.active),
            ("quiet", RGBColor(60, 110, 180), |c| c.quiet),
            ("jailed", RGBColor(90, 90, 90), |c| c.jailed),
        ];
        for (name, color, get) in lines {
            chart
                .draw_series(LineSeries::new(counts.iter().enumerate().map(|(t, c)| (t + 1, get(c))), color))
                .map_err(|e| e.to_string())?
                .label(name)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font((font, 12))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// What `revsim epstein` runs and where it writes.
#[derive(Clone, Debug)]
pub struct EpsteinOptions {
    pub config: Config,
    pub steps: usize,
    pub out: PathBuf,
    pub force: bool,
    pub chart: bool,
}

/// `revsim epstein`: runs the model and writes `counts.csv` and `counts.svg` into a new folder.
/// Returns the folder and the counts.
pub fn command(opts: &EpsteinOptions) -> Result<(PathBuf, Vec<Counts>), CommandError> {
    if opts.steps == 0 {
        return Err(CommandError::Input("--steps must be at least 1".into()));
    }
    opts.config.validate().map_err(CommandError::Input)?;
    check_out_dir(&opts.out, opts.force)?;
    let counts = run(opts.config.clone(), opts.steps).map_err(CommandError::Input)?;
    let c = &opts.config;
    let title = format!("Epstein's civil violence, {}×{}, L = {}, seed {}", c.width, c.height, c.legitimacy, c.seed);
    let svg = match opts.chart {
        true => Some(counts_svg(&counts, &title).map_err(|e| CommandError::Run { seed: c.seed, message: e })?),
        false => None,
    };
    let staged = StagedDir::new(&opts.out)?;
    // A manifest, so that the folder is known as revsim's (and `--force` may replace it).
    let manifest = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": "epstein_reference",
        "model": "Epstein (2002), civil violence",
        "config": {
            "width": c.width, "height": c.height, "citizen_density": c.citizen_density,
            "cop_density": c.cop_density, "vision": c.vision, "shape": format!("{:?}", c.shape),
            "legitimacy": c.legitimacy, "k": c.k, "threshold": c.threshold, "max_jail": c.max_jail,
            "arrest": format!("{:?}", c.rounding), "seed": c.seed,
        },
        "steps": opts.steps,
    });
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    write_atomic(&staged.path("manifest.json"), text.as_bytes())?;
    write_atomic(&staged.path("counts.csv"), counts_csv(&counts).as_bytes())?;
    if let Some(svg) = svg {
        write_atomic(&staged.path("counts.svg"), svg.as_bytes())?;
    }
    let dir = staged.commit()?;
    Ok((dir, counts))
}

/// One line on the outcome: agents, mean and peak of the active count, last counts.
pub fn summary(dir: &Path, model: &Config, counts: &[Counts]) -> String {
    let n = counts.len().max(1) as f64;
    let mean = counts.iter().map(|c| c.active as f64).sum::<f64>() / n;
    let peak = counts.iter().map(|c| c.active).max().unwrap_or(0);
    let last = counts.last().copied().unwrap_or_default();
    format!(
        "{} steps on {}×{}: active mean {mean:.1}, peak {peak}; at the end {} active, {} quiet, {} jailed\n\
         files: {}/counts.csv{}\n",
        counts.len(),
        model.width,
        model.height,
        last.active,
        last.quiet,
        last.jailed,
        dir.display(),
        if dir.join("counts.svg").exists() { ", counts.svg" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_are_runs_above_the_threshold() {
        assert_eq!(bursts(&[0, 5, 6, 0, 0, 7, 3, 9], 4), vec![(1, 2), (5, 1), (7, 1)]);
        assert_eq!(bursts(&[1, 2, 3], 4), vec![]);
    }

    #[test]
    fn csv_has_a_row_per_step() {
        let counts = [Counts { active: 1, quiet: 2, jailed: 3 }, Counts { active: 0, quiet: 5, jailed: 1 }];
        assert_eq!(counts_csv(&counts), "step,active,quiet,jailed\n1,1,2,3\n2,0,5,1\n");
    }
}
