//! The metrics of INTERFACE.md: one table of (name, unit, meaning, how it is computed), in the
//! column order of `timeseries.csv`. Adding a metric is one line of [`TABLE`]; the values are
//! computed from typed state ([`Sources`]), never looked up by name.

use bevy_ecs::prelude::*;

/// Poods in a metric tonne (1 pood = 16.38 kg).
pub const POODS_PER_TONNE: f64 = 1000.0 / 16.38;

/// The week's aggregates a metric is read from, each with its unit; filled by the metrics
/// system (`systems::metrics`) from the census and the state's records.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// People: in the territory, in Soviet territory, in towns, Petrograd, Moscow.
    pub population_total: f64,
    pub population_soviet: f64,
    pub urban: f64,
    pub petrograd: f64,
    pub moscow: f64,
    /// People: industrial workers employed, on strike.
    pub industrial_workers: f64,
    pub strikers: f64,
    /// People: deaths from hunger and disease; from combat and executions (cumulative).
    pub famine_deaths: f64,
    pub violent_deaths: f64,
    /// People: at the start of the run; born and dead of ordinary causes since (cumulative).
    pub population_start: f64,
    pub births: f64,
    pub ordinary_deaths: f64,
    /// Poods harvested at the last harvest; the sown area index; poods procured (cumulative).
    pub last_harvest: f64,
    pub sown_index: f64,
    pub procured: f64,
    /// Shares and ratios of the towns' food.
    pub bag_share: f64,
    pub urban_food_ratio: f64,
    /// Money: million rubles in circulation, the price level (1913 = 1), the real wage
    /// (November 1917 = 1).
    pub money_stock: f64,
    pub price_level: f64,
    pub real_wage: f64,
    /// Grain prices (rubles per pood): free (in the Soviet towns) and fixed (the state's).
    pub free_price: f64,
    pub fixed_price: f64,
    /// Poods of bag-trade grain seized at the checkpoints (cumulative).
    pub bag_seized: f64,
    /// Indices, 1913 = 1.
    pub industrial_output: f64,
    pub gdp: f64,
    /// People under arms and in revolt.
    pub red_army: f64,
    pub white_armies: f64,
    pub deserters: f64,
    pub deserters_returned: f64,
    pub greens: f64,
    pub rebels: f64,
    /// Counts of district uprisings.
    pub uprisings_started: f64,
    pub uprisings_active: f64,
    /// The party-state: people and 0-1 indices.
    pub party_members: f64,
    pub cheka: f64,
    pub arrests: f64,
    pub executions: f64,
    pub repression_index: f64,
    pub soviet_democracy: f64,
    pub pluralism: f64,
    pub congress_bolshevik: f64,
    pub congress_left_sr: f64,
    pub centralization: f64,
    pub worker_control: f64,
    /// Mean support of peasants, workers and soldiers (0-1).
    pub support_peasants: f64,
    pub support_workers: f64,
    pub support_soldiers: f64,
    /// Shares of people who would vote for each party.
    pub vote_bolshevik: f64,
    pub vote_left_sr: f64,
    pub vote_sr: f64,
    pub vote_menshevik: f64,
    pub vote_anarchist: f64,
    pub vote_kadet: f64,
}

/// One output metric.
pub struct Metric {
    pub name: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
    pub value: fn(&Sources) -> f64,
}

const fn m(name: &'static str, unit: &'static str, meaning: &'static str, value: fn(&Sources) -> f64) -> Metric {
    Metric { name, unit, meaning, value }
}

/// Every metric, in the column order of `timeseries.csv`.
pub const TABLE: &[Metric] = &[
    m("population_total", "people", "everyone in the simulated territory, whoever controls it", |s| s.population_total),
    m("population_soviet", "people", "in regions under Soviet control", |s| s.population_soviet),
    m("territory_soviet_share", "share", "population_soviet / population_total", |s| {
        s.population_soviet / s.population_total.max(1.0)
    }),
    m("urban_population", "people", "in cities", |s| s.urban),
    m("petrograd_population", "people", "Petrograd city", |s| s.petrograd),
    m("moscow_population", "people", "Moscow city", |s| s.moscow),
    m("industrial_workers", "people", "employed industrial workers", |s| s.industrial_workers),
    m("strikers", "people", "workers on strike this tick", |s| s.strikers),
    m("famine_deaths_cum", "people", "deaths from hunger and hunger-borne disease", |s| s.famine_deaths),
    m("violent_deaths_cum", "people", "combat deaths and executions", |s| s.violent_deaths),
    m("ordinary_deaths_cum", "people", "deaths at the pre-war rate (old age, infancy, illness), civilians", |s| {
        s.ordinary_deaths
    }),
    m("births_cum", "people", "births since the start", |s| s.births),
    m("population_change", "share", "population_total / population at the start − 1", |s| {
        s.population_total / s.population_start.max(1.0) - 1.0
    }),
    m(
        "harvest_last_mt",
        "million tonnes",
        "grain harvested in the most recent harvest season (whole territory)",
        |s| s.last_harvest / POODS_PER_TONNE / 1e6,
    ),
    m("sown_area_index", "index, 1916 = 1", "area under grain at the last sowing", |s| s.sown_index),
    m("grain_procured_cum_mpoods", "million poods", "grain taken by the Soviet state (requisition or tax)", |s| {
        s.procured / 1e6
    }),
    m("bag_trade_share", "share", "of the grain reaching Soviet cities, the part that came by private trade", |s| {
        s.bag_share
    }),
    m("urban_food_ratio", "ratio", "food reaching Soviet cities / their need", |s| s.urban_food_ratio),
    m("money_stock_bn", "billion rubles", "paper money in circulation (an input: Nansen 1923, Pipes 1990)", |s| {
        s.money_stock / 1000.0
    }),
    m("price_index", "index, 1913 = 1", "price level: money × velocity / real output", |s| s.price_level),
    m("money_real_value_m", "million 1913 rubles", "money in circulation / price level", |s| {
        s.money_stock / s.price_level.max(f64::MIN_POSITIVE)
    }),
    m("real_wage_index", "index, November 1917 = 1", "money wages / price level", |s| s.real_wage),
    m(
        "free_grain_price",
        "rubles per pood",
        "free (bag-trade) grain price in Soviet towns, mean over the grain sold",
        |s| s.free_price,
    ),
    m("fixed_grain_price", "rubles per pood", "the state's fixed grain price", |s| s.fixed_price),
    m("free_fixed_price_ratio", "ratio", "free_grain_price / fixed_grain_price", |s| {
        s.free_price / s.fixed_price.max(f64::MIN_POSITIVE)
    }),
    m("bag_seized_cum_mpoods", "million poods", "bag-trade grain seized at the checkpoints", |s| s.bag_seized / 1e6),
    m("industrial_output_index", "index, 1913 = 1", "industrial production", |s| s.industrial_output),
    m("gdp_index", "index, 1913 = 1", "output per head, agriculture and industry", |s| s.gdp),
    m("red_army", "people", "ration strength of the Red Army", |s| s.red_army),
    m("white_armies", "people", "all White forces", |s| s.white_armies),
    m("deserters_cum", "people", "desertions from the Red Army", |s| s.deserters),
    m("deserters_returned_cum", "people", "deserters caught or returned to the Red Army", |s| s.deserters_returned),
    m("green_insurgents", "people", "in peasant (green) armies", |s| s.greens),
    m("active_rebels", "people", "agents active in rebellion this tick", |s| s.rebels + s.greens),
    m("uprisings_cum", "count", "district uprisings started", |s| s.uprisings_started),
    m("uprisings_active", "count", "district uprisings in progress", |s| s.uprisings_active),
    m("party_members", "people", "governing-party (Bolshevik) members", |s| s.party_members),
    m("cheka_size", "people", "political police and punitive troops", |s| s.cheka),
    m("arrests_cum", "people", "political arrests", |s| s.arrests),
    m("executions_cum", "people", "executions", |s| s.executions),
    m("repression_index", "0-1", "terror level felt on average", |s| s.repression_index),
    m("soviet_democracy_index", "0-1", "population-weighted share of soviets freely elected and autonomous", |s| {
        s.soviet_democracy
    }),
    m("party_pluralism", "number", "effective number of parties among soviet delegates (Laakso-Taagepera)", |s| {
        s.pluralism
    }),
    m("congress_share_bolshevik", "share", "Bolshevik share of delegates at the latest Congress of Soviets", |s| {
        s.congress_bolshevik
    }),
    m("congress_share_left_sr", "share", "Left SR share at the latest Congress of Soviets", |s| s.congress_left_sr),
    m("centralization", "0-1", "concentration of decisions in the party centre", |s| s.centralization),
    m("worker_control_share", "share", "of industrial workers in factories run by committees", |s| s.worker_control),
    m("support_peasants", "0-1", "mean support of peasants for the Soviet government", |s| s.support_peasants),
    m("support_workers", "0-1", "mean support of workers for the Soviet government", |s| s.support_workers),
    m("support_soldiers", "0-1", "mean support of soldiers for the Soviet government", |s| s.support_soldiers),
    m("support_bolshevik", "share", "people who would vote Bolshevik", |s| s.vote_bolshevik),
    m("support_left_sr", "share", "people who would vote Left SR", |s| s.vote_left_sr),
    m("support_sr", "share", "people who would vote SR", |s| s.vote_sr),
    m("support_menshevik", "share", "people who would vote Menshevik", |s| s.vote_menshevik),
    m("support_anarchist", "share", "people who would vote anarchist", |s| s.vote_anarchist),
    m("support_kadet", "share", "people who would vote Kadet", |s| s.vote_kadet),
];

const fn names() -> [&'static str; TABLE.len()] {
    let mut out = [""; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        out[i] = TABLE[i].name;
        i += 1;
    }
    out
}

/// Metric names, exactly as in INTERFACE.md, in column order.
pub const METRICS: &[&str] = &names();

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The column of a metric named in code, checked when the program compiles: `column` is a
/// `const fn`, so `values[column("red_army")]` with a misspelt name does not compile.
pub const fn column(name: &str) -> usize {
    let mut i = 0;
    while i < TABLE.len() {
        if same(TABLE[i].name, name) {
            return i;
        }
        i += 1;
    }
    panic!("no such metric")
}

/// Index of a metric by name (for names that come from files: scenario rules, targets).
pub fn index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| *m == name)
}

/// The unit of a metric, by name.
pub fn unit(name: &str) -> Option<&'static str> {
    index(name).map(|i| TABLE[i].unit)
}

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
    /// Computes every metric of the table.
    pub fn compute(sources: &Sources) -> Metrics {
        Metrics { values: TABLE.iter().map(|m| (m.value)(sources)).collect() }
    }

    /// A value by name, for names that come from files (NaN for an unknown name).
    pub fn get(&self, name: &str) -> f64 {
        index(name).map_or(f64::NAN, |i| self.values[i])
    }
}

/// The metric table as Markdown (docs/METRICS.md is this text).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Metrics\n\nThe columns of `timeseries.csv`, in order, generated from the metric table in \
         `src/metrics.rs` (`revsim explain --metrics`). People are real people (agents × weight); shares \
         are 0–1; cumulative metrics (`_cum`) count from the scenario's start.\n\n| metric | unit | meaning |\n|---|---|---|\n",
    );
    for m in TABLE {
        out.push_str(&format!("| `{}` | {} | {} |\n", m.name, m.unit, m.meaning));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_units_given() {
        for (i, m) in TABLE.iter().enumerate() {
            assert_eq!(index(m.name), Some(i), "{} appears twice", m.name);
            assert!(!m.unit.is_empty() && !m.meaning.is_empty(), "{}", m.name);
        }
        assert_eq!(unit("red_army"), Some("people"));
        assert!(Metrics::default().get("no_such_metric").is_nan());
    }

    #[test]
    fn the_committed_metric_list_is_the_tables() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/METRICS.md");
        let file = std::fs::read_to_string(&path).expect("docs/METRICS.md exists");
        assert_eq!(
            file,
            markdown(),
            "docs/METRICS.md is stale: regenerate it with `revsim explain --metrics > docs/METRICS.md`"
        );
    }
}
