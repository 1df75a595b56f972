//! Model parameters: every coefficient of every mechanism, with its unit.
//!
//! The values live in the scenario file (`params: Params(...)`), each with the source it
//! comes from or the word "calibrated"; the code holds none of them. A counterfactual sets
//! one by its dotted name: `SetParameter("procurement.hiding_rate", 0.1)`.

use serde::{Deserialize, Serialize};

/// All coefficients, grouped by mechanism.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub population: PopulationParams,
    pub agriculture: AgricultureParams,
    pub procurement: ProcurementParams,
    pub cities: CitiesParams,
    pub market: MarketParams,
    pub war: WarParams,
    pub repression: RepressionParams,
    pub loyalty: LoyaltyParams,
    pub activation: ActivationParams,
    pub soviets: SovietParams,
    pub party: PartyParams,
    pub demography: DemographyParams,
    pub kronstadt: KronstadtParams,
    pub mechanisms: Mechanisms,
}

/// Who is who on the first day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationParams {
    /// Districts (uezd scale) in all, shared among regions by population.
    pub districts: u32,
    /// Soldiers of the old army in late 1917 (people).
    pub old_army: f64,
    /// Share of the old army of worker origin (the rest are peasants).
    pub old_army_worker_share: f64,
    /// Industrial workers (factory and mine) in 1917 (people).
    pub industrial_workers: f64,
    /// Share of town dwellers with ties to a village (seed 004 E7).
    pub village_ties_share: f64,
    /// The Kronstadt garrison (people).
    pub kronstadt_garrison: f64,
    /// Red Guards and first volunteers on the first day (people).
    pub red_guards: f64,
    /// Initial support for the Soviet government by role: peasants, workers, soldiers.
    pub initial_support: [f64; 3],
    /// Spread (standard deviation) of initial support across agents.
    pub support_spread: f64,
    /// Initial party preference of peasants (shares in the order bolshevik, left_sr, sr,
    /// menshevik, anarchist, kadet; `other` comes from the region's national vote).
    pub peasant_parties: [f64; 6],
    pub worker_parties: [f64; 6],
    pub soldier_parties: [f64; 6],
    /// Governing-party members on the first day (people).
    pub party_members: f64,
    /// Cheka and punitive troops on the first day (people).
    pub cheka: f64,
    /// Share of industry run by factory committees on the first day.
    pub worker_control: f64,
    /// Centralisation on the first day (0-1).
    pub centralization: f64,
    /// Share of last harvest still in the barns on the first day (7 November).
    pub initial_grain_share: f64,
    /// Grain in the state's hands on the first day (poods).
    pub state_grain_stock: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgricultureParams {
    /// Grain eaten per person per year (poods), before other food.
    pub consumption_norm: f64,
    /// Fodder per person per year (poods of grain fed to animals).
    pub fodder_per_person: f64,
    /// Seed per unit of expected yield (share of a normal harvest).
    pub seed_share: f64,
    /// Share of the area sown with winter crops (sown in autumn).
    pub winter_crop_share: f64,
    /// Share of stored grain lost to spoilage per year.
    pub spoilage_per_year: f64,
    /// Fall in sown area per unit of expected take (share of harvest) (seed 004 E4).
    pub sowing_take_elasticity: f64,
    /// Elasticity of the sown area to the terms of trade: the goods index times the real
    /// grain price a household expects (seed 002 L1065-1069 for the direction).
    pub sowing_goods_elasticity: f64,
    /// Least share of land a household sows whatever happens.
    pub sowing_floor: f64,
    /// Weight of last year's take in the expected take (0-1).
    pub expectation_memory: f64,
    /// Random spread of the household's yield (standard deviation, share).
    pub yield_spread: f64,
    /// Random spread of a region's weather from one year to the next (standard deviation).
    pub weather_spread: f64,
    /// Standard deviation of the year's weather shared by every region (droughts and good
    /// years were wide: 1891, 1906, 1911, 1920-21), on top of each region's own.
    pub weather_common_spread: f64,
    /// Month and day of spring sowing, winter sowing and harvest.
    pub spring_sowing: (u32, u32),
    pub winter_sowing: (u32, u32),
    pub harvest: (u32, u32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcurementParams {
    /// Months of the procurement campaign (first month, last month; wraps past December).
    pub campaign: (u32, u32),
    /// Under the grain monopoly: share of the surplus delivered at fixed prices per week,
    /// times the goods index.
    pub monopoly_delivery: f64,
    /// Under requisition: share of the surplus above the norm taken per week where the
    /// food army is at full strength.
    pub requisition_take: f64,
    /// Food army per rural inhabitant that counts as full strength.
    pub food_army_full: f64,
    /// Largest share of the consumption norm the detachments may ignore by mistake
    /// (enforcement error; seed 004 E1-E2).
    pub enforcement_error: f64,
    /// Share of open grain hidden per week, per unit of grievance (seed 004 E2).
    pub hiding_rate: f64,
    /// Share of hidden grain found per week at full detachment strength.
    pub detection: f64,
    /// Tax in kind: share of the harvest owed, collected over the campaign.
    pub tax_rate: f64,
    /// Share of the surplus sold to bag traders and the market per week where trade is free,
    /// at the grain price of 1913.
    pub trade_rate: f64,
    /// Share of the free price a seller expects to lose to the ban on private trade while the
    /// bag trade is suppressed (the risk of selling).
    pub suppression: f64,
    /// Whites and occupiers: share of the surplus taken per week in their regions.
    pub other_take: f64,
    /// Share of bag-trade grain that reaches a city each week (the rest is on the way).
    pub bag_arrival: f64,
}

/// Money, prices and the free grain market (the bag trade as trade).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketParams {
    /// Paper money in circulation: (year, month, million rubles) on the first day of the month,
    /// in date order; between two points the stock grows at a constant rate, after the last
    /// at the rate of the last interval.
    pub money_stock: Vec<(i32, u32, f64)>,
    /// Money in circulation in 1913 (million rubles), where the price index is 1.
    pub money_1913: f64,
    /// Flight from money: velocity = exp(this × the money stock's growth over the past year,
    /// in logs), so that the price level rises faster than the money stock when it grows fast.
    pub flight_from_money: f64,
    /// The grain price of 1913 (rubles per pood): the unit of real grain prices.
    pub grain_price_1913: f64,
    /// Elasticity of the state's fixed grain price to the price level (1 = fully indexed).
    pub fixed_price_indexation: f64,
    /// Elasticity of money wages to the price level (1 = fully indexed).
    pub wage_indexation: f64,
    /// Share of the towns' market purchases paid out of money wages (the rest by barter and
    /// other means that emission does not erode).
    pub wage_share_of_purchases: f64,
    /// What the towns spend on market grain per person per week when the rations cover
    /// nothing, at the real wage of November 1917 (1913 rubles).
    pub market_budget: f64,
    /// Transport and the trader's trip: the town price over the village price per unit of a
    /// region's distance from the grain (its shortfall of grain per rural person below the
    /// best-endowed region's), divided by the share of deliveries the railways carry.
    pub transport_cost: f64,
    /// Share of the bag trade's grain seized at the checkpoints (the zagraditel'nye otriady)
    /// while the bag trade is suppressed; it goes to the state's stock.
    pub checkpoint_seizure: f64,
    /// Elasticity of peasant marketings to the real price they get.
    pub marketing_elasticity: f64,
    /// Largest share of the towns' grain need the rations cover.
    pub ration_ceiling: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitiesParams {
    /// Grain per soldier per year in the Red Army's ration (poods).
    pub army_ration: f64,
    /// Share of the state's grain stock released to cities and army each week.
    pub release_rate: f64,
    /// Share of the state's grain stock lost each week in depots and on the collapsing
    /// railways.
    pub state_losses: f64,
    /// Food ratio in towns outside Soviet control (market supply).
    pub market_food_ratio: f64,
    /// Weekly chance that a hungry worker family leaves for the village, per unit of
    /// food shortfall, with and without village ties (seed 004 E7).
    pub flight_with_ties: f64,
    pub flight_without_ties: f64,
    /// Exponents of industrial output on fuel and on food.
    pub fuel_elasticity: f64,
    pub food_elasticity: f64,
    /// Fuel that does not come from coal (wood, oil), share of pre-war fuel.
    pub other_fuel: f64,
    /// Productivity by management: committees, state councils, one-man management.
    pub productivity: [f64; 3],
    /// Weight of agriculture in the GDP index (the rest is industry), 1913 shares.
    pub agriculture_weight: f64,
    /// Share of output that goes to the army rather than to goods for peasants.
    pub army_share_of_output: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarParams {
    /// Weekly share of the old army that demobilises and goes home (seed 004 L324-332).
    pub demobilisation: f64,
    /// Weekly share of old-army soldiers, and of workers, who volunteer for the Red Army
    /// (times their support) before conscription.
    pub volunteering: f64,
    pub volunteering_workers: f64,
    /// Weekly share of eligible peasants and workers conscripted while conscription is on.
    pub conscription: f64,
    /// Red Army size at which conscription stops (people, the state's capacity to feed it).
    pub red_army_ceiling: f64,
    /// Weekly desertion chance: base, per unit of hunger, in harvest months, per unit of
    /// lost support, per unit of defeat (seed 004 G4).
    pub desertion_base: f64,
    pub desertion_hunger: f64,
    pub desertion_harvest: f64,
    pub desertion_support: f64,
    pub desertion_defeat: f64,
    /// Share of deserters who join the greens, times grievance.
    pub green_share: f64,
    /// Weekly chance that a deserter at home is caught or returns under amnesty while the
    /// commissions against desertion work.
    pub deserter_return: f64,
    /// Share of soldiers who fight (the rest are rear and supply) for Reds and Whites.
    pub red_combat_share: f64,
    pub white_combat_share: f64,
    /// Combat value of a foreign soldier relative to a White one.
    pub external_quality: f64,
    /// Share of Red combat power kept under military democracy (elected officers, soldiers'
    /// committees; seed 004 L2176-2181).
    pub military_democracy_combat: f64,
    /// Share of the Red Army kept in the rear against greens and uprisings.
    pub red_rear_share: f64,
    /// How the Reds weigh the fronts when they share out the field army: each front gets a
    /// share in proportion to its enemy's power raised to this (1 = proportional, 2 =
    /// Lanchester's square law, concentrating on the main front).
    pub front_focus: f64,
    /// Share of the gap between the Reds' field army on each front and the share the threat
    /// calls for that is closed each week: divisions move between fronts by rail over weeks
    /// (1 = at once).
    pub redeploy: f64,
    /// Regions per week the front moves per unit of log power ratio.
    pub front_speed: f64,
    /// The same for a foreign regular army (the Central Powers, Poland) moving by rail
    /// against little resistance: Operation Faustschlag took Pskov, Minsk and Kiev within two
    /// weeks of 18 February 1918.
    pub occupation_speed: f64,
    /// The fortune of war: each front's enemy power is multiplied, campaign by campaign, by a
    /// draw exp(spread × N(0,1)) of the run (generalship, a river crossing, a broken line).
    pub battle_spread: f64,
    /// Weeks a campaign's fortune lasts before the next draw.
    pub campaign_weeks: f64,
    /// Weekly losses of a side per unit of the opponent's power ratio (share of combatants).
    pub attrition: f64,
    /// Share of losses that are deaths (the rest wounded, captured).
    pub death_share: f64,
    /// Weekly White conscription in White regions, and its penalty when land goes back to
    /// the landlords (seed 004 G10-G11).
    pub white_conscription: f64,
    pub land_restoration_penalty: f64,
    /// Share of the people active in rebellion or on strike in a White rising's regions whom
    /// its organisers raise as its first army (`WhiteRising`).
    pub rising_share: f64,
    /// White forces at which White recruitment stops (people: what they could arm and feed).
    pub white_army_ceiling: f64,
    pub white_desertion: f64,
    /// Weeks a contested region waits before the Reds take it over unopposed.
    pub contested_takeover: f64,
    /// Makhnovist partisans: strength per anarchist supporter in Ukraine, and the cut to
    /// White supply per Makhnovist per White soldier (seed 004 G14).
    pub makhno_recruitment: f64,
    pub makhno_raid: f64,
    /// Share of the Makhnovists' raids that still hit the Whites when the alliance with
    /// the Reds is broken.
    pub makhno_unallied: f64,
    /// Red morale and supply: weights of soldiers' support and food.
    pub morale_support: f64,
    pub supply_food: f64,
    /// White emigration when a front collapses: share of White soldiers who leave.
    pub white_emigration: f64,
    /// A front whose enemy holds no region collapses when the enemy's power falls below
    /// this share of the Reds' power on it.
    pub front_collapse: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepressionParams {
    /// Cheka size per inhabitant of Soviet territory at terror level 1.
    pub cheka_per_capita: f64,
    /// Weekly adjustment of the Cheka toward its target size.
    pub cheka_growth: f64,
    /// Share of the Cheka sent to districts by their activity (the rest by population).
    pub targeting: f64,
    /// Active people a chekist can arrest per week.
    pub arrests_per_chekist: f64,
    /// Executions per arrest at terror level 1 (seed 004 F8).
    pub execution_share: f64,
    /// Weeks in jail.
    pub jail_weeks: u32,
    /// Repression memory decay per week.
    pub memory: f64,
    /// Backlash: grievance added per unit of repression felt (seed 004 D5, F7-F9).
    pub backlash: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoyaltyParams {
    /// Weight of new hardship in the moving average (per week).
    pub hardship_rate: f64,
    /// Hardship weights: food shortfall, grain taken, conscription, deaths, repression.
    pub hunger_weight: f64,
    pub take_weight: f64,
    pub conscription_weight: f64,
    pub death_weight: f64,
    pub repression_weight: f64,
    /// Rate at which support moves toward its target per week.
    pub support_rate: f64,
    /// Baseline support target by role (peasants, workers, soldiers).
    pub base_support: [f64; 3],
    /// Pull of the district's average support.
    pub peer_weight: f64,
    /// Fall in support per unit of hardship.
    pub hardship_effect: f64,
    /// Rally to the Reds while Whites are near (peasants fear the landlords' return).
    pub white_threat_rally: f64,
    /// Rally of soldiers and sailors while any White army is in the field (the "White
    /// boogeyman", seed 004 I9 L2891-2897); its loss after 1920 weighs on the garrisons.
    pub war_rally: f64,
    /// Fall in support where the soviet was dispersed.
    pub dispersal_effect: f64,
    /// Workers' support by management: committees, councils, one-man management.
    pub factory_effect: [f64; 3],
    /// Support gained when requisition ends (tax in kind or trade).
    pub trade_effect: f64,
    /// Weekly chance an agent reconsiders its party.
    pub party_switch: f64,
    /// Weight of support for the government in choosing a governing party.
    pub government_pull: f64,
    /// Preference noise when choosing a party.
    pub party_noise: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivationParams {
    /// Epstein's arrest-probability constant k (Epstein 2002: 2.3).
    pub k: f64,
    /// Activation threshold T (Epstein 2002: 0.1).
    pub threshold: f64,
    /// Rebels one member of the repressive force deters.
    pub police_power: f64,
    /// Share of a district's people active that starts an uprising, and ends it.
    pub uprising_start: f64,
    pub uprising_end: f64,
    /// Active uprisings in one region that make a regional rising.
    pub regional_rising: u32,
    /// Weekly chance a rural rebel in a regional rising joins a green army.
    pub green_join: f64,
    /// Weekly chance a green insurgent goes home, plus the share the Red rear suppresses
    /// per Red rear soldier per green.
    pub green_return: f64,
    pub green_suppression: f64,
    /// Share of a region's workers on strike that makes a strike wave.
    pub strike_wave: f64,
    /// Weight of soldiers in deciding to mutiny relative to civilians (discipline).
    pub soldier_threshold: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SovietParams {
    /// Weeks between elections of a district soviet.
    pub election_interval: u32,
    /// Vote weight of a town voter relative to a village voter (1918 Constitution: 5).
    pub urban_weight: f64,
    /// Share of the vote that harassment takes from a harassed party.
    pub harassment: f64,
    /// Seats a packed soviet hands to the governing parties (share of the opposition's).
    pub packing: f64,
    /// Autonomy lost per week per unit of centralisation.
    pub autonomy_loss: f64,
    /// Autonomy regained per week by a soviet whose election was honoured.
    pub autonomy_gain: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyParams {
    /// Weekly recruitment per inhabitant of Soviet territory (careerists join those in power).
    pub recruitment: f64,
    /// Extra weekly recruitment per unit of war emergency (mobilisation of party members).
    pub war_recruitment: f64,
    /// Weekly attrition of members (deaths at the front, lapsed cards).
    pub attrition: f64,
    /// Centralisation: rise per week from war emergency, from repression, from dispersing
    /// soviets; fall per week when soviets are honoured (seed 004 D12, G7).
    pub war_centralization: f64,
    pub repression_centralization: f64,
    pub dispersal_centralization: f64,
    pub honoured_decentralization: f64,
    /// Rise per week while factions are banned (seed 004 I10: the end of party democracy).
    pub faction_ban_centralization: f64,
    /// Weekly fall of the share of industry under committees, by management mode
    /// (seed 004 D6-D8).
    pub control_loss: [f64; 3],
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemographyParams {
    /// Weekly death chance at total food shortfall (hunger).
    pub hunger_mortality: f64,
    /// Weekly death chance from epidemic disease per unit of regional hunger.
    pub disease_mortality: f64,
    /// Births per person per year before the war, when the men were at home and fed.
    pub birth_rate: f64,
    /// Ordinary deaths per person per year (the pre-war crude death rate), for civilians.
    pub ordinary_mortality: f64,
    /// Share of the population that is men of an age to father children and to serve: births
    /// fall in proportion to the share of them under arms.
    pub men_share: f64,
    /// Weekly death chance from the epidemics that armies and refugees carry (typhus above
    /// all), per unit of the share of the population under arms, on top of hunger's epidemics.
    pub epidemic_mortality: f64,
    /// Food ratio below which a region's famine is declared.
    pub famine_threshold: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KronstadtParams {
    /// Grievance added to the garrison by the repression of a Petrograd strike wave
    /// (seed 004 I4).
    pub petrograd_signal: f64,
    /// Weekly decay of that signal.
    pub signal_decay: f64,
    /// Weekly rate at which the sailors get used to Petrograd's level of strikes: only a
    /// strike wave above what they are used to, and repressed, is news (seed 004 I4-I5: the
    /// February 1921 wave, its martial law and mass arrests).
    pub strike_habit: f64,
    /// Weeks during which arrests of Petrograd strikers count as the repression of a wave.
    pub arrest_memory: u32,
    /// Weight of requisition in the sailors' home villages in their hardship (news from
    /// home, seed 004 I4).
    pub village_news: f64,
    /// Share of the garrison active that makes a mutiny.
    pub mutiny_share: f64,
    /// Commissars and loyal troops inside the fortress (people).
    pub loyal_force: f64,
    /// Weeks from the mutiny to the first assault.
    pub assault_delay: u32,
    /// Troops committed to the assault (people), and the weekly chance of success per
    /// unit of their ratio to the garrison, while the ice holds (seed 002 L861-884).
    pub assault_force: f64,
    pub assault_success: f64,
    /// Share of the garrison executed and jailed after a successful assault, and the share
    /// that flees across the ice to Finland.
    pub executed_share: f64,
    pub fled_share: f64,
    /// Grievance added each week to soldiers and Petrograd workers while the fortress holds.
    pub spread: f64,
}

/// Multipliers on mechanisms' effects (MODEL.md §7): 1 = as calibrated, 0 = switched off.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mechanisms {
    /// War emergency pushing centralisation (seed 004 §K: the Leninist claim).
    pub war_centralization: f64,
    /// Expected requisition lowering sowing (seed 004 E4).
    pub requisition_sowing: f64,
    /// Repression raising grievance (backlash).
    pub repression_backlash: f64,
    /// The White threat rallying peasants to the Reds (seed 004 G10-G11).
    pub white_threat_rally: f64,
    /// Hunger pushing workers to the villages (seed 004 E7).
    pub urban_flight: f64,
    /// Desertion from the Red Army (seed 004 G4).
    pub desertion: f64,
    /// Makhnovist raids on the Whites' rear (seed 004 G14).
    pub makhnovist_raids: f64,
}

impl Params {
    /// Every parameter's dotted name and value, in schema order.
    pub fn names(&self) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        if let Ok(value) = serde_json::to_value(self) {
            flatten("", &value, &mut out);
        }
        out
    }

    /// Sets one parameter by its dotted name (`war.conscription`, `agriculture.harvest.0`).
    pub fn set_by_name(&mut self, name: &str, value: f64) -> Result<(), String> {
        let mut tree = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        let mut node = &mut tree;
        for part in name.split('.') {
            node = match node {
                serde_json::Value::Object(map) => map.get_mut(part),
                serde_json::Value::Array(items) => part.parse::<usize>().ok().and_then(move |i| items.get_mut(i)),
                _ => None,
            }
            .ok_or_else(|| format!("no parameter named `{name}`"))?;
        }
        if !node.is_number() {
            return Err(format!("`{name}` is a group of parameters, not one number"));
        }
        *node = if node.is_u64() {
            // A count (districts, weeks): a whole number that is not negative.
            if value.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&value) {
                return Err(format!("`{name}` is a whole number (a count); {value} is not one"));
            }
            serde_json::json!(value as u64)
        } else {
            serde_json::json!(value)
        };
        *self = serde_json::from_value(tree).map_err(|e| format!("`{name}` cannot take the value {value}: {e}"))?;
        Ok(())
    }
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, f64)>) {
    let join = |key: &str| {
        if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
    };
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                flatten(&join(key), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&join(&i.to_string()), v, out);
            }
        }
        serde_json::Value::Number(n) => out.push((prefix.to_string(), n.as_f64().unwrap_or(0.0))),
        _ => {}
    }
}
