//! The metrics of INTERFACE.md: names, in the column order of `timeseries.csv`.

use bevy_ecs::prelude::*;

/// Metric names, exactly as in INTERFACE.md, in column order.
pub const METRICS: &[&str] = &[
    "population_total",
    "population_soviet",
    "territory_soviet_share",
    "urban_population",
    "petrograd_population",
    "moscow_population",
    "industrial_workers",
    "strikers",
    "famine_deaths_cum",
    "violent_deaths_cum",
    "harvest_last_mt",
    "sown_area_index",
    "grain_procured_cum_mpoods",
    "bag_trade_share",
    "urban_food_ratio",
    "industrial_output_index",
    "gdp_index",
    "red_army",
    "white_armies",
    "deserters_cum",
    "green_insurgents",
    "active_rebels",
    "uprisings_cum",
    "uprisings_active",
    "party_members",
    "cheka_size",
    "arrests_cum",
    "executions_cum",
    "repression_index",
    "soviet_democracy_index",
    "party_pluralism",
    "congress_share_bolshevik",
    "congress_share_left_sr",
    "centralization",
    "worker_control_share",
    "support_peasants",
    "support_workers",
    "support_soldiers",
    "support_bolshevik",
    "support_left_sr",
    "support_sr",
    "support_menshevik",
    "support_anarchist",
    "support_kadet",
];

/// Index of a metric by name.
pub fn index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| *m == name)
}

/// Poods in a metric tonne (1 pood = 16.38 kg).
pub const POODS_PER_TONNE: f64 = 1000.0 / 16.38;

/// This tick's metric values, in the order of [`METRICS`].
#[derive(Resource, Clone, Debug)]
pub struct Metrics {
    pub values: Vec<f64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics { values: vec![0.0; METRICS.len()] }
    }
}

impl Metrics {
    pub fn get(&self, name: &str) -> f64 {
        index(name).map_or(f64::NAN, |i| self.values[i])
    }

    pub fn set(&mut self, name: &str, value: f64) {
        let i = index(name).unwrap_or_else(|| panic!("metric `{name}` is not in METRICS"));
        self.values[i] = value;
    }
}
