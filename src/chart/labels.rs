//! The reader's words for everything a chart names: metrics, events, end states, outcomes of
//! the Kronstadt rising, history targets and the statistics of `comparison.csv`.
//!
//! Keys are the ids of INTERFACE.md (the columns of `timeseries.csv`, the kinds of
//! `events.csv`, the `end_state` of `runs.csv`, the ids of `data/history/targets.csv`). Charts
//! look every id up here and never print it raw; a test checks that every id a small run writes
//! has an entry.

use super::date::Date;
use super::style::Kind;

/// A metric: title for a chart, short title for a small panel, unit and kind of quantity.
#[derive(Clone, Copy, Debug)]
pub struct MetricLabel {
    pub id: &'static str,
    pub title: &'static str,
    pub short: &'static str,
    pub unit: &'static str,
    pub(crate) kind: Kind,
}

const fn m(id: &'static str, title: &'static str, short: &'static str, unit: &'static str, kind: Kind) -> MetricLabel {
    MetricLabel { id, title, short, unit, kind }
}

use Kind::{Count, Number, Share};

/// Every metric of INTERFACE.md, and the Constituent Assembly vote shares of `events.csv`.
pub const METRICS: &[MetricLabel] = &[
    m(
        "population_total",
        "Population of the simulated territory, whoever controls it",
        "Population, all territory",
        "people",
        Count,
    ),
    m("population_soviet", "Population under Soviet control", "Population, Soviet", "people", Count),
    m(
        "territory_soviet_share",
        "Share of the population under Soviet control",
        "Under Soviet control",
        "% of the population",
        Share,
    ),
    m("urban_population", "Urban population", "Urban population", "people", Count),
    m("petrograd_population", "Population of Petrograd", "Petrograd", "people", Count),
    m("moscow_population", "Population of Moscow", "Moscow", "people", Count),
    m("industrial_workers", "Employed industrial workers", "Industrial workers", "people", Count),
    m("strikers", "Workers on strike", "Strikers", "people", Count),
    m("famine_deaths_cum", "Famine deaths since November 1917", "Famine deaths", "people, cumulative", Count),
    m("violent_deaths_cum", "Violent deaths since November 1917", "Violent deaths", "people, cumulative", Count),
    m(
        "ordinary_deaths_cum",
        "Deaths at the pre-war rate since November 1917",
        "Ordinary deaths",
        "people, cumulative",
        Count,
    ),
    m("births_cum", "Births since November 1917", "Births", "people, cumulative", Count),
    m(
        "population_change",
        "Population of the territory against November 1917",
        "Population change",
        "% change since November 1917",
        Share,
    ),
    m("harvest_last_mt", "Last grain harvest", "Harvest", "million tonnes", Number),
    m("sown_area_index", "Area sown with grain", "Sown area", "index, 1916 = 1", Number),
    m(
        "grain_procured_cum_mpoods",
        "Grain taken by the Soviet state since November 1917",
        "Grain procured",
        "million poods, cumulative",
        Number,
    ),
    m(
        "bag_trade_share",
        "Grain reaching the cities by private trade",
        "Private grain trade",
        "% of grain arriving",
        Share,
    ),
    m(
        "urban_food_ratio",
        "Food reaching Soviet cities against their need",
        "Urban food",
        "ratio to need (1 = need met)",
        Number,
    ),
    m("money_stock_bn", "Paper money in circulation", "Money in circulation", "billion rubles", Number),
    m("price_index", "Price level", "Price level", "index, 1913 = 1", Number),
    m(
        "money_real_value_m",
        "Real value of the money in circulation",
        "Real money stock",
        "million 1913 rubles",
        Number,
    ),
    m("real_wage_index", "Real money wage", "Real wage", "index, November 1917 = 1", Number),
    m("free_grain_price", "Free grain price in the Soviet towns", "Free grain price", "rubles per pood", Number),
    m("fixed_grain_price", "The state's fixed grain price", "Fixed grain price", "rubles per pood", Number),
    m("free_fixed_price_ratio", "Free grain price against the fixed price", "Free / fixed price", "ratio", Number),
    m(
        "bag_seized_cum_mpoods",
        "Bag-trade grain seized at the checkpoints since November 1917",
        "Grain seized",
        "million poods, cumulative",
        Number,
    ),
    m("industrial_output_index", "Industrial output", "Industrial output", "index, 1913 = 1", Number),
    m("gdp_index", "Output per head", "Output per head", "index, 1913 = 1", Number),
    m("red_army", "Red Army (ration strength)", "Red Army", "people", Count),
    m("white_armies", "White armies", "White armies", "people", Count),
    m("deserters_cum", "Red Army desertions since November 1917", "Desertions", "people, cumulative", Count),
    m(
        "deserters_returned_cum",
        "Deserters caught or returned to the Red Army since November 1917",
        "Deserters returned",
        "people, cumulative",
        Count,
    ),
    m("green_insurgents", "Green (peasant) insurgents", "Green insurgents", "people", Count),
    m("active_rebels", "People in active rebellion", "Active rebels", "people", Count),
    m("uprisings_cum", "District uprisings since November 1917", "Uprisings", "uprisings, cumulative", Count),
    m("uprisings_active", "District uprisings in progress", "Uprisings now", "uprisings", Count),
    m("party_members", "Bolshevik party members", "Party members", "people", Count),
    m("cheka_size", "Cheka and punitive troops", "Cheka", "people", Count),
    m("arrests_cum", "Political arrests since November 1917", "Arrests", "people, cumulative", Count),
    m("executions_cum", "Executions since November 1917", "Executions", "people, cumulative", Count),
    m("repression_index", "Terror felt on average", "Repression", "index, 0–1", Number),
    m("soviet_democracy_index", "Soviets freely elected and autonomous", "Soviet democracy", "index, 0–1", Number),
    m("party_pluralism", "Effective number of parties in the soviets", "Party pluralism", "effective parties", Number),
    m(
        "congress_share_bolshevik",
        "Bolsheviks at the Congress of Soviets",
        "Bolshevik delegates",
        "% of delegates",
        Share,
    ),
    m("congress_share_left_sr", "Left SRs at the Congress of Soviets", "Left SR delegates", "% of delegates", Share),
    m("centralization", "Decisions taken by the party centre", "Centralization", "index, 0–1", Number),
    m(
        "worker_control_share",
        "Workers in committee-run factories",
        "Workers' control",
        "% of industrial workers",
        Share,
    ),
    m(
        "support_peasants",
        "Peasants' support for the Soviet government",
        "Peasants' support",
        "mean support, 0–1",
        Number,
    ),
    m("support_workers", "Workers' support for the Soviet government", "Workers' support", "mean support, 0–1", Number),
    m(
        "support_soldiers",
        "Soldiers' support for the Soviet government",
        "Soldiers' support",
        "mean support, 0–1",
        Number,
    ),
    m("support_bolshevik", "Would vote Bolshevik", "Bolshevik vote", "% of the population", Share),
    m("support_left_sr", "Would vote Left SR", "Left SR vote", "% of the population", Share),
    m("support_sr", "Would vote SR", "SR vote", "% of the population", Share),
    m("support_menshevik", "Would vote Menshevik", "Menshevik vote", "% of the population", Share),
    m("support_anarchist", "Would vote anarchist", "Anarchist vote", "% of the population", Share),
    m("support_kadet", "Would vote Kadet", "Kadet vote", "% of the population", Share),
    m("ca_share_sr", "SRs in the Constituent Assembly election", "SR vote, CA", "% of valid votes", Share),
    m(
        "ca_share_bolshevik",
        "Bolsheviks in the Constituent Assembly election",
        "Bolshevik vote, CA",
        "% of valid votes",
        Share,
    ),
    m("ca_share_kadet", "Kadets in the Constituent Assembly election", "Kadet vote, CA", "% of valid votes", Share),
    m(
        "ca_share_menshevik",
        "Mensheviks in the Constituent Assembly election",
        "Menshevik vote, CA",
        "% of valid votes",
        Share,
    ),
    m(
        "ca_share_left_sr",
        "Left SRs in the Constituent Assembly election",
        "Left SR vote, CA",
        "% of valid votes",
        Share,
    ),
    m(
        "ca_share_other",
        "Other lists in the Constituent Assembly election",
        "Other lists, CA",
        "% of valid votes",
        Share,
    ),
];

/// An event kind of `events.csv`: its title, and what "it happened" means in a sentence.
#[derive(Clone, Copy, Debug)]
pub struct EventLabel {
    pub id: &'static str,
    pub title: &'static str,
}

const fn e(id: &'static str, title: &'static str) -> EventLabel {
    EventLabel { id, title }
}

/// Every event kind the model logs.
pub const EVENTS: &[EventLabel] = &[
    e("constituent_assembly_election", "Constituent Assembly election"),
    e("constituent_assembly_convened", "Constituent Assembly convenes"),
    e("constituent_assembly_dissolved", "Constituent Assembly dissolved"),
    e("congress_of_soviets", "Congress of Soviets"),
    e("soviet_dispersed", "A soviet dispersed"),
    e("soviet_honoured", "A soviet election honoured"),
    e("party_banned", "A party banned"),
    e("party_purge", "Party purge"),
    e("party_recruitment", "Party recruitment drive"),
    e("party_rising", "A party rises in arms"),
    e("policy_changed", "A policy changed"),
    e("coalition_changed", "The governing coalition changes"),
    e("decision_skipped", "A decision not taken"),
    e("treaty_signed", "Brest-Litovsk"),
    e("central_powers_collapse", "Central Powers collapse"),
    e("demobilisation", "Old army demobilised"),
    e("foreign_forces", "Foreign intervention"),
    e("legion_revolt", "Czechoslovak Legion revolts"),
    e("white_rising", "A White army rises"),
    e("front_opened", "A front opens"),
    e("front_closed", "A front closes"),
    e("armistice_poland", "Armistice with Poland"),
    e("armistice_white", "Peace ends a White front"),
    e("armistice_central_powers", "Armistice with the Central Powers"),
    e("white_furthest_advance", "The Whites' furthest advance"),
    e("whites_defeated", "No White army left in the field"),
    e("region_control_changed", "A region changes hands"),
    e("uprising_started", "A district uprising"),
    e("regional_rising", "A regional rising"),
    e("strike_wave", "Strike wave"),
    e("kronstadt_mutiny", "Kronstadt mutiny"),
    e("kronstadt_suppressed", "Kronstadt stormed"),
    e("kronstadt_holds", "Kronstadt holds"),
    e("kronstadt_negotiated", "Kronstadt settlement"),
    e("tax_in_kind_adopted", "Tax in kind"),
    e("red_terror_declared", "Red Terror"),
    e("famine_declared", "Famine declared"),
    e("rule_fired", "A decision taken by its rule"),
    e("attempt_on_leader", "An attempt on a leader"),
    e("leader_killed", "A leader killed"),
    e("leader_wounded", "A leader wounded"),
];

/// End states of `runs.csv`, with the rule that decides each (src/run.rs, `EndState::classify`).
pub const END_STATES: &[(&str, &str, &str)] = &[
    (
        "soviet_democracy",
        "Soviet democracy",
        "the Soviets hold most of the population and their soviets are freely elected (index ≥ 0.4) and plural (≥ 1.5 effective parties)",
    ),
    (
        "one_party_state",
        "One-party state",
        "the Soviets hold most of the population, their soviets not free or not plural",
    ),
    ("white_victory", "White victory", "the Whites hold most of the population"),
    ("fragmentation", "Fragmentation", "no side holds most of the population"),
];

/// How the Kronstadt rising ends in a run (`kronstadt` of `runs.csv`), in display order.
pub const KRONSTADT: &[(&str, &str)] = &[
    ("holds", "Fortress held"),
    ("suppressed", "Stormed"),
    ("negotiated", "Negotiated"),
    ("mutiny", "Rising unresolved"),
    ("none", "No rising"),
    ("no rising", "No rising"),
];

/// The historical targets (`data/history/targets.csv`), by id.
pub const TARGETS: &[(&str, &str)] = &[
    ("procurement_1918_19", "Grain procured, Aug 1918 – Jul 1919"),
    ("procurement_1919_20", "Grain procured, Aug 1919 – Jul 1920"),
    ("procurement_1920_21", "Grain procured, Aug 1920 – Jul 1921"),
    ("red_army_1918_05", "Red Army, May 1918"),
    ("red_army_1918_12", "Red Army, end of 1918"),
    ("deserters_returned_1919", "Deserters caught, to June 1919"),
    ("red_army_1919_02", "Red Army, February 1919"),
    ("red_army_1920_02", "Red Army, February 1920"),
    ("red_army_1920_10", "Red Army, October 1920"),
    ("party_1918_03", "Party members, March 1918"),
    ("party_1919_03", "Party members, March 1919"),
    ("party_1920_04", "Party members, April 1920"),
    ("party_1921_03", "Party members, March 1921"),
    ("ca_sr_share", "Constituent Assembly: SR vote"),
    ("ca_bolshevik_share", "Constituent Assembly: Bolshevik vote"),
    ("ca_kadet_share", "Constituent Assembly: Kadet vote"),
    ("ca_menshevik_share", "Constituent Assembly: Menshevik vote"),
    ("petrograd_1918", "Petrograd, end of 1918"),
    ("petrograd_1919", "Petrograd, end of 1919"),
    ("petrograd_1920", "Petrograd, August 1920"),
    ("uprisings_1918", "District uprisings in 1918"),
    ("executions_1918", "Executions by the end of 1918"),
    ("kronstadt_rising", "Date of the Kronstadt rising"),
    ("tax_in_kind", "Date of the tax in kind (NEP)"),
    ("red_terror", "Date the Red Terror is declared"),
    ("razverstka", "Date of the razverstka"),
    ("faction_ban", "Date of the ban on factions"),
    ("population_change_1922", "Population change, 1917 to January 1922"),
    ("soviets_free_1917_12", "Soviet democracy, December 1917"),
    ("soviets_dispersed_before_war", "Soviet democracy before the war (25 May 1918)"),
    ("one_party_soviets_before_war", "Party pluralism before the war (25 May 1918)"),
    ("centralisation_before_war", "Centralisation's rise before the war"),
    ("centralisation_first_war_year", "Centralisation's rise in the first war year"),
    ("market_share_1918", "Towns' grain from the free market, early 1918"),
    ("market_share_1919", "Towns' grain from the free market, mid-1919"),
    ("market_share_1920", "Towns' grain from the free market, early 1920"),
    ("price_ratio_1918", "Free against fixed grain price, mid-1918"),
    ("price_ratio_1919", "Free against fixed grain price, mid-1919"),
    ("price_index_1921", "Price level, January 1921"),
    ("whites_furthest_advance", "The Whites' furthest advance (Orel, October 1919)"),
    ("wrangel_evacuation", "The last White front gone (Wrangel's evacuation, November 1920)"),
    ("riga_armistice", "Armistice with Poland (Riga, October 1920)"),
];

/// The label of a metric, if it has one.
pub fn metric(id: &str) -> Option<&'static MetricLabel> {
    METRICS.iter().find(|l| l.id == id)
}

/// The title of an event kind, if it has one.
pub fn event(id: &str) -> Option<&'static str> {
    EVENTS.iter().find(|l| l.id == id).map(|l| l.title)
}

/// The title of an end state, if it has one.
pub fn end_state(id: &str) -> Option<&'static str> {
    END_STATES.iter().find(|l| l.0 == id).map(|l| l.1)
}

/// The title of a Kronstadt outcome of `runs.csv`, if it has one.
pub fn kronstadt(id: &str) -> Option<&'static str> {
    KRONSTADT.iter().find(|l| l.0 == id).map(|l| l.1)
}

/// The title of a history target, if it has one.
pub fn target(id: &str) -> Option<&'static str> {
    TARGETS.iter().find(|l| l.0 == id).map(|l| l.1)
}

/// Display name, axis title (with unit) and kind of a metric.
#[derive(Clone, Debug)]
pub struct MetricInfo {
    pub label: String,
    pub short: String,
    pub unit: String,
    pub(crate) kind: Kind,
}

/// The display name and unit of a metric; a name not in [`METRICS`] gets a readable label
/// made from the name (the labels test keeps the model's own names out of this branch).
pub fn metric_info(name: &str) -> MetricInfo {
    match metric(name) {
        Some(l) => MetricInfo { label: l.title.into(), short: l.short.into(), unit: l.unit.into(), kind: l.kind },
        None => {
            let kind = if name.ends_with("_share") {
                Share
            } else if name.ends_with("_cum") || name.ends_with("_population") {
                Count
            } else {
                Number
            };
            let unit = if kind == Share { "%" } else { "" };
            MetricInfo { label: readable(name), short: readable(name), unit: unit.into(), kind }
        }
    }
}

/// The name of any id a chart may print: a metric, event, end state, Kronstadt outcome or
/// target, looked up in that order; unknown ids are made readable.
pub fn any(id: &str) -> String {
    if let Some(l) = metric(id) {
        return l.title.into();
    }
    event(id)
        .or_else(|| end_state(id))
        .or_else(|| kronstadt(id))
        .or_else(|| target(id))
        .map(str::to_string)
        .unwrap_or_else(|| readable(id))
}

/// The event kind or rule id an `event_date` target's metric names (`event:KIND`,
/// `rule:ID`); other metrics unchanged.
pub fn target_metric(metric: &str) -> &str {
    metric.strip_prefix("event:").or_else(|| metric.strip_prefix("rule:")).unwrap_or(metric)
}

/// True when `id` has an entry in one of the tables.
pub fn known(id: &str) -> bool {
    metric(id).is_some()
        || event(id).is_some()
        || end_state(id).is_some()
        || kronstadt(id).is_some()
        || target(id).is_some()
}

/// `soviet_democracy_index` → "Soviet democracy index" (for names no table knows).
pub(crate) fn readable(name: &str) -> String {
    let s = name.replace('_', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// A `comparison.csv` statistic in words: "median@1921-03-31" → "median, 31 Mar 1921";
/// "final" → "at the end, 31 Dec 1922" (with the last date of the runs, when known).
pub fn statistic(stat: &str, end: Option<Date>) -> String {
    if stat == "final" {
        return match end {
            Some(d) => format!("at the end, {}", d.long()),
            None => "at the end of the runs".into(),
        };
    }
    if let Some((what, when)) = stat.split_once('@') {
        let when = Date::parse(when).map(|d| d.long()).unwrap_or_else(|| when.to_string());
        return format!("{what}, {when}");
    }
    stat.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_no_duplicate_ids_and_no_raw_titles() {
        let mut ids: Vec<&str> = METRICS.iter().map(|l| l.id).collect();
        ids.extend(EVENTS.iter().map(|l| l.id));
        ids.extend(END_STATES.iter().map(|l| l.0));
        ids.extend(TARGETS.iter().map(|l| l.0));
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "an id is in two tables");
        let titles = METRICS
            .iter()
            .flat_map(|l| [l.title, l.short])
            .chain(EVENTS.iter().map(|l| l.title))
            .chain(TARGETS.iter().map(|l| l.1));
        for t in titles {
            assert!(!t.contains('_'), "{t} reads like an id");
        }
    }

    #[test]
    fn every_history_target_has_a_title() {
        let targets =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/history/targets.csv")).unwrap();
        for line in targets.lines().skip(1) {
            let id = line.split(',').next().unwrap();
            assert!(target(id).is_some(), "target {id} has no title in chart/labels.rs");
            let metric_id = line.split(',').nth(1).unwrap();
            let metric_id = target_metric(metric_id);
            assert!(known(metric_id), "{metric_id} (of target {id}) has no label");
        }
    }

    #[test]
    fn statistics_read_as_words() {
        assert_eq!(statistic("median@1921-03-31", None), "median, 31 Mar 1921");
        assert_eq!(statistic("final", Date::parse("1922-12-30")), "at the end, 30 Dec 1922");
        assert_eq!(metric_info("red_army").short, "Red Army");
        assert_eq!(any("one_party_state"), "One-party state");
        assert_eq!(any("brand_new_thing"), "Brand new thing");
    }
}
