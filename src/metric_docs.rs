//! The metrics of `timeseries.csv` with their units and meanings, and the Markdown of
//! docs/METRICS.md (`revsim explain --metrics`), generated from this table so they cannot drift.
//!
//! The engine's metric list is [`crate::metrics::METRICS`]; a test checks that this table names
//! exactly those metrics, in the same order. (When the metric table of `src/metrics.rs` carries
//! units and meanings itself, [`markdown`] reads it from there and this table goes.)

/// (name, unit, meaning) of every metric, in column order.
pub const TABLE: &[(&str, &str, &str)] = &[
    ("population_total", "people", "everyone in the simulated territory, whoever controls it"),
    ("population_soviet", "people", "in regions under Soviet control"),
    ("territory_soviet_share", "share", "`population_soviet / population_total`"),
    ("urban_population", "people", "in cities"),
    ("petrograd_population", "people", "Petrograd city"),
    ("moscow_population", "people", "Moscow city"),
    ("industrial_workers", "people", "employed industrial workers"),
    ("strikers", "people", "workers on strike this tick"),
    ("famine_deaths_cum", "people", "deaths from hunger and hunger-borne disease"),
    ("violent_deaths_cum", "people", "combat deaths and executions"),
    ("harvest_last_mt", "million tonnes", "grain harvested in the most recent harvest season (whole territory)"),
    ("sown_area_index", "index, 1916 = 1", "area under grain at the last sowing"),
    ("grain_procured_cum_mpoods", "million poods", "grain taken by the Soviet state (requisition or tax)"),
    ("bag_trade_share", "share", "of the grain reaching Soviet cities, the part that came by private trade this tick"),
    ("urban_food_ratio", "ratio", "food reaching Soviet cities / their need"),
    ("industrial_output_index", "index, 1913 = 1", "industrial production"),
    ("gdp_index", "index, 1913 = 1", "output per head, agriculture and industry"),
    ("red_army", "people", "ration strength of the Red Army"),
    ("white_armies", "people", "all White forces"),
    ("deserters_cum", "people", "desertions from the Red Army"),
    ("green_insurgents", "people", "in peasant (green) armies"),
    ("active_rebels", "people", "agents active in rebellion this tick"),
    ("uprisings_cum", "count", "district uprisings started"),
    ("uprisings_active", "count", "district uprisings in progress"),
    ("party_members", "people", "governing-party (Bolshevik) members"),
    ("cheka_size", "people", "political police and punitive troops"),
    ("arrests_cum", "people", "political arrests"),
    ("executions_cum", "people", "executions"),
    ("repression_index", "0–1", "terror level felt on average"),
    ("soviet_democracy_index", "0–1", "population-weighted share of soviets freely elected and autonomous"),
    ("party_pluralism", "number", "effective number of parties among soviet delegates (Laakso–Taagepera)"),
    ("congress_share_bolshevik", "share", "Bolshevik share of delegates at the latest Congress of Soviets"),
    ("congress_share_left_sr", "share", "Left SR share at the latest Congress of Soviets"),
    ("centralization", "0–1", "concentration of decisions in the party centre"),
    ("worker_control_share", "share", "of industrial workers in factories run by committees"),
    ("support_peasants", "0–1", "mean support for the Soviet government"),
    ("support_workers", "0–1", "mean support for the Soviet government"),
    ("support_soldiers", "0–1", "mean support for the Soviet government"),
    ("support_bolshevik", "share", "the party each agent would vote for, population-weighted"),
    ("support_left_sr", "share", "the party each agent would vote for, population-weighted"),
    ("support_sr", "share", "the party each agent would vote for, population-weighted"),
    ("support_menshevik", "share", "the party each agent would vote for, population-weighted"),
    ("support_anarchist", "share", "the party each agent would vote for, population-weighted"),
    ("support_kadet", "share", "the party each agent would vote for, population-weighted"),
];

/// The metric table as Markdown (docs/METRICS.md is this text).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Metrics\n\nThe columns of `timeseries.csv`, in order, generated from the metric table in the code \
         (`revsim explain --metrics` prints this file). People are real people (agents × weight); shares \
         are 0–1; cumulative metrics (`_cum`) count from the scenario's start.\n\n| metric | unit | meaning |\n|---|---|---|\n",
    );
    for (name, unit, meaning) in TABLE {
        out.push_str(&format!("| `{name}` | {unit} | {meaning} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_every_metric_of_the_engine_in_order() {
        let names: Vec<&str> = TABLE.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(names, crate::metrics::METRICS);
    }

    #[test]
    fn docs_metrics_md_is_the_generated_text() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/METRICS.md");
        let file = std::fs::read_to_string(&path).expect("docs/METRICS.md exists");
        assert!(
            file == markdown(),
            "docs/METRICS.md is stale: regenerate it with `revsim explain --metrics > docs/METRICS.md`"
        );
    }
}
