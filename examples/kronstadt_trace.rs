//! Diagnostic: traces Petrograd and the Kronstadt garrison week by week around the winter
//! of 1920-21. `cargo run --release --example kronstadt_trace -- SCENARIO SEED [SCALE]`;
//! `FROM`/`TO` set the window, `SUMMARY=1` prints only the key dates, `PARAMS="name=value ..."`
//! overrides parameters.
use revsim::model::*;
use std::io::Write;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = PathBuf::from(args.get(1).map(String::as_str).unwrap_or("scenarios/baseline.ron"));
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let scale: u32 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut resolved = revsim::scenario::load(&path).expect("scenario");
    // Parameter overrides from the environment: PARAMS="kronstadt.village_news=500 ...".
    for kv in std::env::var("PARAMS").unwrap_or_default().split_whitespace() {
        let (name, value) = kv.split_once('=').expect("NAME=VALUE");
        let params = resolved.scenario.params.as_mut().expect("params");
        params.set_by_name(name, value.parse().expect("a number")).expect("a parameter");
    }
    if std::env::var("SUMMARY").is_ok() {
        let out = revsim::run::simulate(&resolved, seed, scale).expect("run");
        let kinds = ["kronstadt_mutiny", "kronstadt_suppressed", "kronstadt_holds", "tax_in_kind_adopted"];
        let found: Vec<String> = kinds
            .iter()
            .map(|k| out.events.iter().find(|e| e.kind == *k).map(|e| e.date.to_string()).unwrap_or("-".into()))
            .collect();
        println!("seed {seed:3}: mutiny {} suppressed {} holds {} tax {}", found[0], found[1], found[2], found[3]);
        return;
    }
    println!("date       pg_food pg_strike wave arrested signal  g_active g_grief g_support g_hard  state");
    let window = |var: &str, default: &str| -> revsim::date::Date {
        std::env::var(var).unwrap_or(default.into()).parse().expect("a date YYYY-MM-DD")
    };
    let (from, to) = (window("FROM", "1920-09-01"), window("TO", "1921-06-01"));
    revsim::run::simulate_with(&resolved, seed, scale, |world| {
        let date = world.resource::<Clock>().date;
        if date < from || date > to {
            return Ok(());
        }
        let geo = world.resource::<Geography>();
        let r = geo.districts.iter().find(|d| d.city == Some(0)).map(|d| d.region as usize).unwrap();
        let eco = world.resource::<Economy>();
        let unrest = world.resource::<Unrest>();
        let k = world.resource::<Kronstadt>();
        let line = format!(
            "{date} {:7.3} {:9.3} {:4} {:8.0} {:6.3}",
            eco.city_food[r],
            unrest.strike_share[r],
            unrest.strike_wave[r],
            unrest.strikers_arrested[r],
            k.petrograd_signal
        );
        let state = format!("{:?}", k.state);
        let (mut g, mut a, mut grief, mut sup, mut hard) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut q = world.query::<(&Person, &Mind)>();
        for (p, m) in q.iter(world) {
            if p.army == Army::Kronstadt && p.alive() {
                let w = p.weight as f64;
                g += w;
                if p.status == Status::Active {
                    a += w;
                }
                grief += w * m.grievance as f64;
                sup += w * m.support as f64;
                hard += w * m.hardship as f64;
            }
        }
        let (active, grief, support, hardship) =
            (a / g.max(1.0), grief / g.max(1.0), sup / g.max(1.0), hard / g.max(1.0));
        // Stop quietly when the reader has gone (`| head`).
        writeln!(std::io::stdout(), "{line} {active:8.3} {grief:7.3} {support:9.3} {hardship:7.3} {state}")
            .map_err(|e| e.to_string())
    })
    .ok();
}
