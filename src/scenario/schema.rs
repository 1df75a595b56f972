//! The scenario schema: serde types for RON scenario files.
//!
//! A scenario is either a *base* (it lists the whole world: regions, parties, fronts,
//! parameters, environment, events and decision rules) or a *counterfactual* (it names its
//! base with `extends` and lists the `changes` that make it diverge). Every struct refuses
//! unknown fields, so a typo is an error with its position, never a silently ignored line.

use crate::date::Date;
use serde::{Deserialize, Serialize};

pub use super::params::Params;

/// The parties agents can prefer. `Other` collects the national and minor lists (Ukrainian,
/// Muslim, Armenian, ...) that matter in the Constituent Assembly vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Bolshevik,
    LeftSr,
    Sr,
    Menshevik,
    Anarchist,
    Kadet,
    Other,
}

impl Party {
    pub const ALL: [Party; 7] =
        [Party::Bolshevik, Party::LeftSr, Party::Sr, Party::Menshevik, Party::Anarchist, Party::Kadet, Party::Other];
    pub const COUNT: usize = 7;

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Party {
        Party::ALL[i]
    }

    pub fn key(self) -> &'static str {
        match self {
            Party::Bolshevik => "bolshevik",
            Party::LeftSr => "left_sr",
            Party::Sr => "sr",
            Party::Menshevik => "menshevik",
            Party::Anarchist => "anarchist",
            Party::Kadet => "kadet",
            Party::Other => "other",
        }
    }
}

/// Who holds a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Controller {
    Soviet,
    White,
    CentralPowers,
    National,
    Contested,
}

impl Controller {
    pub fn key(self) -> &'static str {
        match self {
            Controller::Soviet => "soviet",
            Controller::White => "white",
            Controller::CentralPowers => "central_powers",
            Controller::National => "national",
            Controller::Contested => "contested",
        }
    }
}

/// A city whose population is reported on its own (Petrograd, Moscow).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitySpec {
    /// Identifier used by metrics (`petrograd`, `moscow`).
    pub id: String,
    /// Inhabitants at the start (people).
    pub population: f64,
}

/// One region of MODEL.md §3.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    pub id: String,
    pub name: String,
    /// Inhabitants in late 1917 (people), soldiers of the old army included.
    pub population: f64,
    /// Share of the population living in towns (0-1).
    pub urban_share: f64,
    /// Share of the empire's industrial workers who work here (0-1).
    pub industry_share: f64,
    /// Share of the fuel (coal) that industry in Soviet territory gets from here (0-1).
    pub coal_share: f64,
    /// Pre-war grain harvest per rural inhabitant in an average year (poods).
    pub grain_per_rural_person: f64,
    /// Share of food needs met by potatoes, vegetables and other non-grain food (0-1).
    pub other_food_share: f64,
    /// Who holds the region on the first day.
    pub controller: Controller,
    /// The large city reported on its own, if any.
    #[serde(default)]
    pub city: Option<CitySpec>,
    /// Share of the region's voters who vote for national and minor lists (`other`).
    pub national_vote: f64,
    /// The region holds the Kronstadt fortress (a district of its own for the garrison).
    #[serde(default)]
    pub fortress: bool,
    /// The Makhnovist partisans recruit here (seed 004 Part 6).
    #[serde(default)]
    pub makhnovist_base: bool,
}

/// A policy of the governing coalition (MODEL.md §5), or of the Whites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Policy {
    Peace(PeaceStatus),
    Procurement(Procurement),
    BagTrade(Tolerance),
    SovietElections(ElectionPolicy),
    /// Terror level, 0-1.
    Terror(f64),
    Factory(FactoryManagement),
    Conscription(bool),
    /// How much of the conscription rate is called up (0-1): partial call-ups of some classes
    /// and cities in 1918, general mobilisation from 1919.
    Mobilisation(f64),
    MilitaryDemocracy(bool),
    Factions(Tolerance),
    PartyLegality(Party, Legality),
    KronstadtResponse(KronstadtResponse),
    MakhnovistAlliance(bool),
    WhiteLandPolicy(WhiteLandPolicy),
    /// Size of the food army (requisition detachments), people.
    FoodArmy(f64),
    /// Commissions against desertion: deserters at home are caught or return under amnesty.
    DesertionCommissions(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeaceStatus {
    AtWar,
    Armistice,
    SeparatePeace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procurement {
    FreeTrade,
    GrainMonopoly,
    Razverstka,
    TaxInKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    Tolerated,
    Suppressed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionPolicy {
    Honoured,
    Packed,
    DispersedOnLoss,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactoryManagement {
    Committees,
    StateCouncils,
    OneManManagement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Legality {
    Legal,
    Harassed,
    Banned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KronstadtResponse {
    Storm,
    Negotiate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhiteLandPolicy {
    RestoreToLandlords,
    LeaveToPeasants,
}

/// A party's platform: the policies it sets when it leads the government.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub peace: PeaceStatus,
    pub procurement: Procurement,
    pub bag_trade: Tolerance,
    pub soviet_elections: ElectionPolicy,
    pub terror: f64,
    pub factory: FactoryManagement,
    pub military_democracy: bool,
    pub factions: Tolerance,
    pub kronstadt_response: KronstadtResponse,
    pub makhnovist_alliance: bool,
}

/// A party: its platform, membership and standing at the start.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartySpec {
    pub party: Party,
    pub name: String,
    pub legality: Legality,
    pub platform: Platform,
}

/// The opponent behind a front.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enemy {
    White,
    CentralPowers,
    Poland,
}

impl Enemy {
    pub fn key(self) -> &'static str {
        match self {
            Enemy::White => "white",
            Enemy::CentralPowers => "central_powers",
            Enemy::Poland => "poland",
        }
    }
}

/// A front of the civil war: the regions it runs through, from the enemy's base toward Moscow.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontSpec {
    pub id: String,
    pub name: String,
    pub enemy: Enemy,
    /// Regions in the order the enemy would take them.
    pub regions: Vec<String>,
}

/// What an event or a decision rule does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Set one policy from this date.
    SetPolicy(Policy),
    /// Several policies at once (a package such as the fifteen Kronstadt demands).
    SetPolicies(Vec<Policy>),
    /// The Constituent Assembly election: one `constituent_assembly_election` row per list.
    /// `left_sr_own_lists`: whether the Left SRs run lists of their own (seed 004 L1477-1489).
    ConstituentAssemblyElection {
        left_sr_own_lists: bool,
    },
    DissolveConstituentAssembly,
    /// The Assembly is convened as the government: its majority forms the coalition.
    ConveneConstituentAssembly,
    /// An All-Russian Congress of Soviets convenes.
    CongressOfSoviets {
        number: u32,
    },
    JoinGovernment(Party),
    LeaveGovernment(Party),
    /// A party rises against the government and is banned (the Left SRs in July 1918).
    PartyRising(Party),
    BanParty(Party),
    /// A peace treaty: regions ceded, parties that leave the coalition over it, and whether
    /// it strands the Czechoslovak Legion (seed 004 G2).
    SignTreaty {
        name: String,
        cede: Vec<String>,
        to: Controller,
        leave_government: Vec<Party>,
        strands_legion: bool,
    },
    /// The Czechoslovak Legion revolts if the treaty stranded it, opening the eastern front.
    LegionRevolt {
        front: String,
        strength: f64,
        position: f64,
    },
    /// A front opens (or is reinforced) with foreign or organised forces.
    OpenFront {
        front: String,
        external: f64,
        white_soldiers: f64,
        position: f64,
    },
    /// A White army rises on a front: its organisers (officers, Cossacks) raise
    /// `war.rising_share` of the people active in rebellion or on strike in the regions the
    /// front takes (the first `position` of its regions), beside `external` foreign troops.
    /// Its size is the discontent it finds, not a number of the scenario.
    WhiteRising {
        front: String,
        external: f64,
        position: f64,
    },
    /// Foreign troops on a front change (landings, withdrawals, evacuations).
    SetExternalForces {
        front: String,
        external: f64,
    },
    /// A front closes by treaty or armistice; the regions the enemy holds go to `to`.
    CloseFront {
        front: String,
        to: Controller,
    },
    /// An armistice or peace ends the war on a front (Tartu, Riga): it closes as with
    /// `CloseFront` and `armistice_<enemy>` is logged, so its date can be scored.
    Armistice {
        front: String,
        to: Controller,
        name: String,
    },
    /// Germany collapses: the Central Powers leave; their regions pass to the given holders.
    CentralPowersCollapse {
        regions: Vec<RegionHandover>,
    },
    SetControl {
        region: String,
        controller: Controller,
    },
    /// The attempt on Lenin and the declaration of the Red Terror.
    DeclareRedTerror {
        terror: f64,
    },
    /// The government adopts the tax in kind in place of requisition.
    AdoptTaxInKind,
    /// A purge or re-registration removes this share of party members.
    PartyPurge {
        share: f64,
    },
    /// A recruitment drive ("party week") adds this share of members.
    PartyRecruitment {
        share: f64,
    },
    /// Demobilisation of the Red Army at this weekly rate (share of soldiers).
    Demobilise {
        weekly_share: f64,
    },
    /// The Reds break the alliance with the Makhnovists and attack them.
    BreakMakhnovistAlliance,
    /// An attempt on a leader's life: fatal with probability `fatality` (drawn once per run,
    /// the contingency of the bullet); a survivor is away from work for `recovery_weeks`.
    AttemptOnLeader {
        leader: String,
        fatality: f64,
        recovery_weeks: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionHandover {
    pub region: String,
    pub to: Controller,
}

/// A scheduled, exogenous event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub date: Date,
    pub action: Action,
    /// A decision of this party: it happens only while this party leads the government.
    #[serde(default)]
    pub by: Option<Party>,
    /// Conditions the decision needs on its date (Brest-Litovsk needs Lenin's vote); when one
    /// fails the event is logged as `decision_skipped` and does not happen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Condition>,
    /// Where the date and the action come from.
    #[serde(default)]
    pub source: String,
}

/// A condition of a decision rule (or of a scheduled decision), evaluated on last tick's
/// metrics and on the state of the government.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    Above(String, f64),
    Below(String, f64),
    /// The metric is below this value now and was at or above it on an earlier tick (the
    /// Whites beaten, not yet formed).
    FellBelow(String, f64),
    /// An event of this kind has been logged.
    Happened(String),
    /// An event of this kind was first logged at least this many weeks ago.
    Since(String, u32),
    InGovernment(Party),
    NotInGovernment(Party),
    /// The government's policy is this one (for a number: at least this value).
    PolicyIs(Policy),
    /// This leader (an id of `leaders`) is alive and at work.
    LeaderActive(String),
    /// The calendar month lies in this range, both ends included (a season: a harvest
    /// campaign, a sowing); `Months(11, 2)` runs over the new year.
    Months(u32, u32),
    /// At least one of these conditions holds.
    AnyOf(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
    /// The region is held by this controller.
    Holds(String, Controller),
    /// The front is open and its enemy, after advancing, has been thrown back to the line it
    /// started from (its base: Estonia for Yudenich, the border for Poland) for at least this
    /// many weeks: the war there is lost for it and it may treat (Tartu, Riga).
    FrontThrownBack(String, f64),
    /// At least this share of the region's people was active in rebellion or on strike last
    /// week: the discontent a White rising draws on.
    ActiveShare(String, f64),
    /// At least this many district uprisings are in progress in the regions this controller
    /// holds (the Soviets' own villages rising, not risings against an occupier elsewhere).
    Uprisings(Controller, f64),
}

impl Condition {
    /// This condition and every condition nested in it.
    pub fn flatten(&self) -> Vec<&Condition> {
        let mut all = vec![self];
        match self {
            Condition::AnyOf(cs) => cs.iter().for_each(|c| all.extend(c.flatten())),
            Condition::Not(c) => all.extend(c.flatten()),
            _ => {}
        }
        all
    }
}

/// A person whose presence changes decisions (MODEL.md §6 Leaders).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderSpec {
    pub id: String,
    pub name: String,
    pub party: Party,
    /// Where the leader's role in the decisions comes from.
    #[serde(default)]
    pub source: String,
}

/// An endogenous decision: fires once, the first tick when every condition holds (and, if
/// given, on or after `not_before` and not after `not_after`: a window a rule of the
/// baseline uses only with a written reason).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Date>,
    #[serde(default)]
    pub not_after: Option<Date>,
    pub when: Vec<Condition>,
    pub action: Action,
    #[serde(default)]
    pub by: Option<Party>,
    /// The date the decision was taken in history: an outcome the rule is checked against
    /// (`revsim explain --decisions`), never an input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub historical: Option<Date>,
    #[serde(default)]
    pub source: String,
}

/// Weather: harvest multiplier for one region and one harvest year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weather {
    pub region: String,
    /// Calendar year of the harvest.
    pub year: i32,
    /// Yield relative to an average year (1 = average; the Volga drought of 1921 ≈ 0.3).
    pub factor: f64,
}

/// Allied aid to the Whites on a front between two dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AidSpell {
    pub front: String,
    pub from: Date,
    pub to: Date,
    /// Supply multiplier on White combat power while the aid flows (1 = none).
    pub supply: f64,
}

/// Exogenous inputs that are not decisions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub weather: Vec<Weather>,
    /// Date the Gulf of Finland ice breaks up, one per winter; the ice forms on
    /// `gulf_of_finland_freeze_day` (day of the year) of the previous year.
    pub gulf_of_finland_ice_breakup: Vec<Date>,
    pub gulf_of_finland_freeze_day: i32,
    pub allied_aid: Vec<AidSpell>,
    /// Spells when the railways could carry only part of the grain to the towns (snowbound
    /// lines, no fuel for the locomotives).
    #[serde(default)]
    pub transport_crises: Vec<TransportCrisis>,
}

/// A transport crisis: the share of the grain meant for the towns that reaches them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportCrisis {
    pub from: Date,
    pub to: Date,
    /// Share of deliveries to the towns that arrive (0-1).
    pub deliveries: f64,
}

/// A scenario file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<String>,
    /// The base this scenario changes, relative to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// The first date on which this scenario differs from its base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divergence: Option<Date>,
    /// The direction of the effect the sources expect (a sentence for readers).
    #[serde(default)]
    pub expected: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartySpec>,
    /// The parties in government on the first day, senior partner first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coalition: Vec<Party>,
    /// Leaders whose presence changes decisions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaders: Vec<LeaderSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fronts: Vec<FrontSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Params>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// A change a counterfactual makes to its base, applied in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Change {
    AddEvent(Event),
    RemoveEvent(String),
    MoveEvent(String, Date),
    ReplaceEvent(Event),
    AddRule(Rule),
    RemoveRule(String),
    ReplaceRule(Rule),
    /// Change only a rule's conditions (its trigger).
    SetRuleTrigger(String, Vec<Condition>),
    /// Set a policy from a date (shorthand for an added event).
    SetPolicy(Date, Policy),
    SetPlatform(Party, Platform),
    /// Set one model parameter by its name in `params` (see `revsim explain`).
    SetParameter(String, f64),
    /// Weaken or switch off a mechanism: a multiplier 0-1 on its effect (MODEL.md §7).
    ScaleMechanism(String, f64),
    SetEnvironment(EnvironmentChange),
    SetWeather(Weather),
    AddAlliedAid(AidSpell),
    RemoveAlliedAid(String),
}

/// Environment inputs a counterfactual can set.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentChange {
    /// The break-up of the ice in the winter that ends in this date's year.
    #[serde(default)]
    pub gulf_of_finland_ice_breakup: Option<Date>,
    /// The transport crises, replacing the base's list.
    #[serde(default)]
    pub transport_crises: Option<Vec<TransportCrisis>>,
}
