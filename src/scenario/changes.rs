//! The changes a counterfactual makes to its base, applied one by one.

use super::{Action, Change, Event, Scenario, did_you_mean};

fn event_ids(s: &Scenario) -> Vec<&str> {
    s.events.iter().map(|e| e.id.as_str()).collect()
}

pub(super) fn unknown(what: &str, found: &str, names: &[&str]) -> String {
    let near =
        did_you_mean(found, names.iter().copied()).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
    format!("no {what} `{found}`{near}; known: {}", names.join(", "))
}

fn find_event(s: &Scenario, id: &str) -> Result<usize, String> {
    s.events.iter().position(|e| e.id == id).ok_or_else(|| unknown("event", id, &event_ids(s)))
}

fn find_rule(s: &Scenario, id: &str) -> Result<usize, String> {
    let ids: Vec<&str> = s.rules.iter().map(|r| r.id.as_str()).collect();
    s.rules.iter().position(|r| r.id == id).ok_or_else(|| unknown("decision rule", id, &ids))
}

/// Applies one change to a resolved base.
pub fn apply_change(s: &mut Scenario, change: &Change) -> Result<(), String> {
    match change {
        Change::AddEvent(_) | Change::RemoveEvent(_) | Change::MoveEvent(..) | Change::ReplaceEvent(_) => {
            event_change(s, change)
        }
        Change::AddRule(_) | Change::RemoveRule(_) | Change::ReplaceRule(_) | Change::SetRuleTrigger(..) => {
            rule_change(s, change)
        }
        Change::SetParameter(..) | Change::ScaleMechanism(..) => parameter_change(s, change),
        _ => world_change(s, change),
    }
}

fn event_change(s: &mut Scenario, change: &Change) -> Result<(), String> {
    match change {
        Change::AddEvent(e) => {
            if s.events.iter().any(|x| x.id == e.id) {
                return Err(format!("an event `{}` exists already (use ReplaceEvent)", e.id));
            }
            s.events.push(e.clone());
        }
        Change::RemoveEvent(id) => {
            let i = find_event(s, id)?;
            s.events.remove(i);
        }
        Change::MoveEvent(id, date) => {
            let i = find_event(s, id)?;
            s.events[i].date = *date;
        }
        Change::ReplaceEvent(e) => {
            let i = find_event(s, &e.id)?;
            s.events[i] = e.clone();
        }
        _ => unreachable!("event_change is called with event changes only"),
    }
    Ok(())
}

fn rule_change(s: &mut Scenario, change: &Change) -> Result<(), String> {
    match change {
        Change::AddRule(r) => {
            if s.rules.iter().any(|x| x.id == r.id) {
                return Err(format!("a decision rule `{}` exists already (use ReplaceRule)", r.id));
            }
            s.rules.push(r.clone());
        }
        Change::RemoveRule(id) => {
            let i = find_rule(s, id)?;
            s.rules.remove(i);
        }
        Change::ReplaceRule(r) => {
            let i = find_rule(s, &r.id)?;
            s.rules[i] = r.clone();
        }
        Change::SetRuleTrigger(id, when) => {
            let i = find_rule(s, id)?;
            s.rules[i].when = when.clone();
        }
        _ => unreachable!("rule_change is called with rule changes only"),
    }
    Ok(())
}

fn parameter_change(s: &mut Scenario, change: &Change) -> Result<(), String> {
    let params = s.params.as_mut().ok_or("the base has no params")?;
    match change {
        Change::SetParameter(name, value) => {
            if let Err(e) = params.set_by_name(name, *value) {
                let names = params.names();
                let list: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
                return Err(match did_you_mean(name, list.iter().copied()) {
                    Some(near) if near != name => format!("{e} (did you mean `{near}`?)"),
                    Some(_) => e,
                    None => format!("{e}; `revsim explain --params` lists the parameter names"),
                });
            }
        }
        Change::ScaleMechanism(name, factor) => {
            if !(0.0..=1.0).contains(factor) {
                return Err(format!("mechanism `{name}`: the multiplier {factor} is outside 0-1"));
            }
            params.set_by_name(&format!("mechanisms.{name}"), *factor).map_err(|_| {
                let names: Vec<String> = params
                    .names()
                    .into_iter()
                    .filter_map(|(n, _)| n.strip_prefix("mechanisms.").map(str::to_string))
                    .collect();
                let list: Vec<&str> = names.iter().map(String::as_str).collect();
                unknown("mechanism", name, &list)
            })?;
        }
        _ => unreachable!("parameter_change is called with parameter changes only"),
    }
    Ok(())
}

fn world_change(s: &mut Scenario, change: &Change) -> Result<(), String> {
    match change {
        Change::SetPolicy(date, policy) => {
            let id = (s.events.len()..)
                .map(|n| format!("set_policy_{n}"))
                .find(|id| !s.events.iter().any(|e| e.id == *id))
                .expect("an unused id");
            let source = "counterfactual".into();
            s.events.push(Event {
                id,
                date: *date,
                action: Action::SetPolicy(policy.clone()),
                by: None,
                when: Vec::new(),
                source,
            });
        }
        Change::SetPlatform(party, platform) => {
            let spec = s
                .parties
                .iter_mut()
                .find(|p| p.party == *party)
                .ok_or_else(|| format!("no party `{}` in the scenario", party.key()))?;
            spec.platform = platform.clone();
        }
        Change::SetEnvironment(env) => {
            let e = s.environment.as_mut().ok_or("the base has no environment")?;
            if let Some(date) = env.gulf_of_finland_ice_breakup {
                match e.gulf_of_finland_ice_breakup.iter_mut().find(|d| d.year() == date.year()) {
                    Some(d) => *d = date,
                    None => e.gulf_of_finland_ice_breakup.push(date),
                }
            }
            if let Some(crises) = &env.transport_crises {
                e.transport_crises = crises.clone();
            }
        }
        Change::SetWeather(w) => {
            let e = s.environment.as_mut().ok_or("the base has no environment")?;
            e.weather.retain(|x| !(x.region == w.region && x.year == w.year));
            e.weather.push(w.clone());
        }
        Change::AddAlliedAid(a) => {
            s.environment.as_mut().ok_or("the base has no environment")?.allied_aid.push(a.clone());
        }
        Change::RemoveAlliedAid(front) => {
            let e = s.environment.as_mut().ok_or("the base has no environment")?;
            let before = e.allied_aid.len();
            e.allied_aid.retain(|a| &a.front != front);
            if e.allied_aid.len() == before {
                return Err(format!("no Allied aid on front `{front}` to remove"));
            }
        }
        _ => unreachable!("world_change is called with the other changes"),
    }
    Ok(())
}
