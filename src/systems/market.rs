//! Mechanism 4b: money, prices and the free grain market — the bag trade as trade.
//!
//! Each week the money stock (an exogenous series: Nansen, *Russia and Peace*, 1923, ch. VI;
//! Pipes, *The Russian Revolution*, 1990, p. 686, after Yurovskii and Atlas) sets the price
//! level, with a velocity that rises as money loses its value faster (the flight from money);
//! money wages follow prices only in part, so emission lowers real wages; the state's fixed
//! grain price follows them less still. The bag traders' grain reaches the towns of each
//! Soviet region as the railways and the checkpoints (the zagraditel'nye otriady) let it,
//! and is bought there at a free price, out of what the towns can pay, by the families the
//! rations leave short. The price the peasants get is the towns' price less the trip
//! (transport, Kondratiev 1922, ch. 6) and less what the checkpoints seize; it sets next
//! week's sales (the elasticity of marketings, Allen, *Farm to Factory*, 2003, ch. 4) and
//! the terms of trade of next spring's sowing.

use crate::date::Date;
use crate::environment::Environment;
use crate::model::*;
use crate::scenario::{MarketParams, Tolerance};
use crate::systems::Now;
use crate::systems::agriculture::Terms;

/// The money stock (million rubles) on a date: the series grows at a constant rate between
/// its points and, before the first and after the last, at the rate of the nearest interval.
pub fn money_stock(series: &[(i32, u32, f64)], date: Date) -> f64 {
    let point = |i: usize| {
        let (y, m, v) = series[i];
        (Date::from_ymd(y, m, 1).map_or(0.0, |d| f64::from(d.days_since(date))), v.max(f64::MIN_POSITIVE).ln())
    };
    match series.len() {
        0 => 0.0,
        1 => series[0].2,
        n => {
            // The interval that holds the date, or the nearest one.
            let i = (1..n - 1).find(|&i| point(i).0 > 0.0).unwrap_or(n - 1);
            let ((t0, v0), (t1, v1)) = (point(i - 1), point(i));
            let rate = if t1 > t0 { (v1 - v0) / (t1 - t0) } else { 0.0 };
            (v0 - rate * t0).exp()
        }
    }
}

/// Growth of the money stock over the past year, in logs.
pub fn money_growth(series: &[(i32, u32, f64)], date: Date) -> f64 {
    let now = money_stock(series, date);
    let before = money_stock(series, date.add_days(-365));
    if now > 0.0 && before > 0.0 { (now / before).ln() } else { 0.0 }
}

/// The price level (1913 = 1) from the money stock, its growth over the past year and real
/// output (1913 = 1): the quantity equation with a velocity that rises with the growth.
pub fn price_level(m: &MarketParams, money: f64, growth: f64, output: f64) -> f64 {
    money / m.money_1913 * (m.flight_from_money * growth.max(0.0)).exp() / output.max(0.05)
}

/// The real wage against the first week's, when prices have risen by `inflation` since.
pub fn real_wage(m: &MarketParams, inflation: f64) -> f64 {
    inflation.max(f64::MIN_POSITIVE).powf(m.wage_indexation - 1.0)
}

/// The state's fixed grain price (rubles per pood) at a price level.
pub fn fixed_price(m: &MarketParams, price_level: f64) -> f64 {
    m.grain_price_1913 * price_level.max(f64::MIN_POSITIVE).powf(m.fixed_price_indexation)
}

/// What the towns can pay for market grain, against November 1917: the part paid from money
/// wages falls with the real wage, the part paid by barter does not.
pub fn purchasing_power(m: &MarketParams, real_wage: f64) -> f64 {
    m.wage_share_of_purchases * real_wage + (1.0 - m.wage_share_of_purchases)
}

/// Grain the towns buy (poods) when `offered` reaches a market that lacks `gap`: all of it
/// when it is scarce, never quite the whole gap when it is plentiful (buyers and sellers
/// meet in scattered markets; what is not sold is eaten on the way).
pub fn bought(gap: f64, offered: f64) -> f64 {
    if gap <= 0.0 || offered <= 0.0 { 0.0 } else { gap * (1.0 - (-offered / gap).exp()) }
}

/// The share of a peasant's surplus he sells, relative to `trade_rate`, at the real village
/// price (1913 rubles per pood) less the risk of selling.
pub fn sale_factor(m: &MarketParams, village_price: f64, risk: f64) -> f64 {
    ((1.0 - risk).max(0.0) * village_price / m.grain_price_1913).max(0.0).powf(m.marketing_elasticity)
}

/// The risk of selling this week: the share of the free price a seller expects to lose.
pub fn selling_risk(params: &crate::scenario::Params, policy: &Policies) -> f64 {
    if policy.bag_trade == Tolerance::Suppressed { params.procurement.suppression } else { 0.0 }
}

/// Share of the bag trade's grain the checkpoints seize this week.
pub fn seizure(m: &MarketParams, policy: &Policies) -> f64 {
    if policy.bag_trade == Tolerance::Suppressed { m.checkpoint_seizure } else { 0.0 }
}

/// A region's distance from the grain: its shortfall of grain per rural person below the
/// best-endowed region's (0 in the granaries).
pub fn distance(geography: &Geography, region: usize) -> f64 {
    let best = geography.regions.iter().map(|r| r.grain_per_rural_person).fold(0.0, f64::max);
    if best > 0.0 { (1.0 - geography.regions[region].grain_per_rural_person / best).max(0.0) } else { 0.0 }
}

/// What a pood is worth to the peasants this week, against 1913 (for the sowing decision).
pub fn terms(params: &crate::scenario::Params, policy: &Policies, economy: &Economy) -> Terms {
    let m = &params.market;
    let risk = selling_risk(params, policy);
    let price_level = if economy.price_level > 0.0 { economy.price_level } else { 1.0 };
    Terms {
        goods: economy.goods,
        free_price: (1.0 - risk) * economy.village_price / m.grain_price_1913,
        fixed_price: economy.fixed_price.max(0.0) / (price_level * m.grain_price_1913),
    }
}

/// The week's money: the stock, the price level, the real wage and the fixed price.
pub fn money(now: &Now, economy: &mut Economy) {
    let Now { clock, params, .. } = *now;
    let m = &params.market;
    let weight = params.cities.agriculture_weight;
    let output =
        weight * economy.last_harvest / economy.base_harvest.max(1.0) + (1.0 - weight) * economy.industrial_output;
    economy.money_stock = money_stock(&m.money_stock, clock.date);
    economy.price_level = price_level(m, economy.money_stock, money_growth(&m.money_stock, clock.date), output);
    if economy.base_price_level <= 0.0 {
        economy.base_price_level = economy.price_level;
    }
    economy.real_wage = real_wage(m, economy.price_level / economy.base_price_level);
    economy.fixed_price = fixed_price(m, economy.price_level);
}

/// One town market's week: the grain bought (poods) and its real price (1913 rubles per
/// pood), when `arriving` poods reach the checkpoints, `seizure` of them is taken, and the
/// towns, short of `gap`, spend `spending` (1913 rubles). `None` for the price when nothing
/// is sold.
pub fn town_market(gap: f64, arriving: f64, seizure: f64, spending: f64) -> (f64, Option<f64>) {
    let got = bought(gap, arriving * (1.0 - seizure));
    (got, (got > 0.0).then(|| spending / got))
}

/// The free market of the Soviet towns: the bag traders' grain arrives (less what the
/// railways hold up and the checkpoints seize), each region's towns buy with what they can
/// pay after the rations, and the free prices of the towns and of the villages are set.
/// `rations` is the state's grain that reached the towns this week (poods).
pub fn clear(now: &Now, census: &Census, env: &Environment, policy: &Policies, economy: &mut Economy) {
    let Now { clock, params, geography, control } = *now;
    let m = &params.market;
    let carried = env.transport(clock.date);
    let arriving = economy.bag_in_transit * params.procurement.bag_arrival;
    economy.bag_in_transit -= arriving;
    let seized = arriving * carried * seizure(m, policy);
    economy.state_stock += seized;
    economy.bag_seized += seized;
    let offered = arriving * carried - seized;
    let need_all = economy.urban_need;
    let ration_share = if need_all > 0.0 { economy.state_to_cities / need_all } else { 0.0 };
    let budget = m.market_budget * purchasing_power(m, economy.real_wage);
    // Traders take the grain where it is scarce, less so where the trip is long.
    let wedge = |r: usize| m.transport_cost * distance(geography, r) / carried.max(0.05);
    let pull = |r: usize| economy.town_need[r] * (1.0 - ration_share) / (1.0 + wedge(r));
    let soviet = |r: usize| control.soviet(r as u16) && economy.town_need[r] > 0.0;
    let total_pull: f64 = (0..geography.regions.len()).filter(|r| soviet(*r)).map(pull).sum();
    let (mut bag, mut paid, mut at_village) = (0.0, 0.0, 0.0);
    for r in 0..geography.regions.len() {
        if !soviet(r) {
            economy.city_food[r] = params.cities.market_food_ratio;
            continue;
        }
        let need = economy.town_need[r];
        let here = if total_pull > 0.0 { offered * pull(r) / total_pull } else { 0.0 };
        let spending = census.workers_by_region[r] * budget * (1.0 - ration_share);
        let (got, price) = town_market(need * (1.0 - ration_share), here, 0.0, spending);
        let price = price.unwrap_or(economy.town_price[r]);
        economy.town_price[r] = price;
        economy.city_food[r] = (ration_share + got / need).min(1.0);
        bag += got;
        paid += got * price;
        at_village += got * price * (1.0 - seizure(m, policy)) / (1.0 + wedge(r));
    }
    if bag > 0.0 {
        economy.free_price = paid / bag;
        economy.village_price = at_village / bag;
    }
    economy.bag_to_cities = bag;
    economy.urban_food_ratio = if need_all > 0.0 { (economy.state_to_cities + bag) / need_all } else { 1.0 };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market() -> MarketParams {
        crate::testing::params().market
    }

    #[test]
    fn the_money_stock_follows_its_series_and_grows_past_it() {
        let m = market();
        let at = |d: &str| money_stock(&m.money_stock, d.parse().unwrap());
        assert!((at("1919-01-01") - 61_300.0).abs() < 1e-6);
        assert!((at("1920-01-01") - 225_000.0).abs() < 1e-6);
        assert!(at("1919-07-01") > 61_300.0 && at("1919-07-01") < 225_000.0);
        assert!(at("1922-10-01") > at("1922-04-01"));
    }

    #[test]
    fn more_emission_means_higher_prices_and_lower_real_wages() {
        let m = market();
        let slow = price_level(&m, 100_000.0, 0.5, 0.6);
        let fast = price_level(&m, 200_000.0, 1.0, 0.6);
        assert!(fast > 2.0 * slow, "{fast} against {slow}");
        assert!(real_wage(&m, fast / 10.0) < real_wage(&m, slow / 10.0));
        assert!(purchasing_power(&m, real_wage(&m, fast)) < purchasing_power(&m, real_wage(&m, slow)));
        // The fixed price lags: the free-to-fixed ratio of a grain price that keeps its real
        // value rises with the price level.
        assert!(fast / fixed_price(&m, fast) > slow / fixed_price(&m, slow));
    }

    #[test]
    fn scarcity_raises_the_price_and_the_towns_never_buy_the_whole_gap() {
        assert!(bought(100.0, 10.0) > 9.0 && bought(100.0, 10.0) < 10.0);
        assert!(bought(100.0, 1000.0) < 100.0);
        // The same spending over less grain is a higher price.
        assert!(1.0 / bought(100.0, 20.0) > 1.0 / bought(100.0, 80.0));
        assert_eq!(bought(0.0, 50.0), 0.0);
    }

    #[test]
    fn tighter_checkpoints_mean_less_grain_arriving_and_dearer_towns() {
        let (gap, arriving, spending) = (100.0, 60.0, 50.0);
        let (open, open_price) = town_market(gap, arriving, 0.0, spending);
        let (tight, tight_price) = town_market(gap, arriving, 0.3, spending);
        assert!(tight < open, "{tight} !< {open}");
        assert!(tight_price.unwrap() > open_price.unwrap());
        assert_eq!(town_market(gap, 0.0, 0.3, spending), (0.0, None));
    }

    #[test]
    fn a_higher_price_and_less_risk_mean_more_sales() {
        let m = market();
        assert!(sale_factor(&m, 2.0, 0.0) > sale_factor(&m, 1.0, 0.0));
        assert!(sale_factor(&m, 2.0, 0.6) < sale_factor(&m, 2.0, 0.0));
        // Allen's elasticity: 10% more on the price, 7% more sold.
        let ratio = sale_factor(&m, 1.1, 0.0) / sale_factor(&m, 1.0, 0.0);
        assert!((ratio - 1.1f64.powf(m.marketing_elasticity)).abs() < 1e-12);
    }
}
