//! Add / edit form of an entry of any module but equipment, drawn from `entry_forms`: airport and
//! station search with the trip's distance, room pickers, choices from the year's factors (codes,
//! fuels, facilities), the traveller (hidden for members: the server records them). Shows the
//! browser-side checks and the server's 422 messages next to their fields.

use co2_api_types::{EntryInput, FactorChoiceView, RoomView};
use dioxus::prelude::*;

use super::entry_form::{FieldShell, FormHead, unplaced_errors};
use crate::api;
use crate::entry_forms::{Draft, FieldSpec, Input, TypeForm, form_of, forms_of};
use crate::i18n::use_i18n;
use crate::model::FieldMessages;
use crate::text as t;

/// The form. Give it a `key` per edited entry so it starts from that entry's values.
#[component]
pub fn ModuleEntryForm(
    unit: String,
    year: i32,
    module: String,
    initial: Draft,
    editing: bool,
    submitting: bool,
    /// A member records their own rows: the traveller field is not shown.
    own_rows_only: bool,
    /// Entry types not collected this year: not offered.
    #[props(default)]
    disabled_types: Vec<String>,
    server_errors: FieldMessages,
    general_error: Option<String>,
    on_submit: EventHandler<EntryInput>,
    on_cancel: EventHandler<()>,
) -> Element {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let mut draft = use_signal(|| initial.clone());
    let mut local_errors = use_signal(FieldMessages::new);
    let forms: Vec<&'static TypeForm> =
        forms_of(&module).iter().filter(|f| editing || !disabled_types.iter().any(|d| d == f.entry_type)).collect();
    let current = form_of(&draft.read().entry_type).or(forms.first().copied());
    // Purchase codes are searched across the module: the code decides the category.
    let choice_scope = match current {
        _ if module == "purchase" => "module=purchase".to_owned(),
        Some(f) => format!("entry_type={}", f.entry_type),
        None => String::new(),
    };
    let choices = use_resource(use_reactive!(|year, choice_scope| async move {
        if choice_scope.is_empty() {
            Vec::new()
        } else {
            api::factor_choices(year, &choice_scope, "").await.unwrap_or_default()
        }
    }));
    // The room reference and the unit's people, fetched once for the form and only when one of
    // its fields needs them.
    let uses = |kinds: &[Input]| current.is_some_and(|f| f.fields.iter().any(|s| kinds.contains(&s.input)));
    let needs_rooms = uses(&[Input::Building, Input::Room]);
    let needs_members = uses(&[Input::Traveller]) && !own_rows_only;
    let rooms = use_resource(use_reactive!(|needs_rooms| async move {
        if needs_rooms { api::rooms().await.unwrap_or_default() } else { Vec::new() }
    }));
    // The traveller: the unit's people with a role, and the year's headcount.
    let members_unit = unit.clone();
    let members = use_resource(use_reactive!(|members_unit, year, needs_members| async move {
        if needs_members { people_of(&members_unit, year).await } else { Vec::new() }
    }));
    let mut round_trip = use_signal(|| false);
    let Some(form) = current else {
        return rsx! {};
    };

    let server_for_fields = server_errors.clone();
    let errors_for = move |field: &str| -> Vec<String> {
        let mut all = local_errors.read().get(field).cloned().unwrap_or_default();
        all.extend(server_for_fields.get(field).cloned().unwrap_or_default());
        all
    };
    let other_server_errors = unplaced_errors(&server_errors, |f| form.fields.iter().any(|s| s.name == f));

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        let current = draft();
        let Some(form) = form_of(&current.entry_type) else { return };
        let problems = current.validate(form, lang);
        let ok = problems.is_empty();
        local_errors.set(problems);
        if ok {
            let mut input = current.to_input(form);
            if round_trip() && matches!(form.entry_type, "plane" | "train") {
                double_trips(&mut input);
            }
            on_submit.call(input);
        }
    };
    let title = if editing { t::EDIT_ENTRY.get(lang) } else { t::ADD_ENTRY.get(lang) };
    let choice_list: Vec<FactorChoiceView> = choices.read().clone().unwrap_or_default();
    let room_list: Vec<RoomView> = rooms.read().clone().unwrap_or_default();
    let member_list: Vec<(String, String)> = members.read().clone().unwrap_or_default();
    rsx! {
        form { class: "panel entry-form", "data-testid": "entry-form", novalidate: true, onsubmit: submit,
            FormHead { title: title.to_owned(), general_error, others: other_server_errors }
            div { class: "form-grid",
                if forms.len() > 1 {
                    FieldShell { id: "f-entry-type", label: t::ENTRY_TYPE.get(lang), required: true, errors: errors_for("entry_type"),
                        select {
                            id: "f-entry-type",
                            "data-testid": "field-entry_type",
                            disabled: editing,
                            onchange: move |e| {
                                // Another type: its defaults, keeping what both types share.
                                if let Some(next) = form_of(&e.value()) {
                                    let old = draft();
                                    let mut fresh = Draft::new(next);
                                    for f in next.fields {
                                        let v = old.get(f.name);
                                        if !v.is_empty() {
                                            fresh.set(f.name, v.to_owned());
                                        }
                                    }
                                    draft.set(fresh);
                                    local_errors.set(FieldMessages::new());
                                }
                            },
                            for f in forms.iter() {
                                option { key: "{f.entry_type}", value: f.entry_type, selected: f.entry_type == form.entry_type,
                                    "{f.label.get(lang)}" }
                            }
                        }
                    }
                }
                for spec in form.fields.iter().filter(|f| !(own_rows_only && f.input == Input::Traveller)) {
                    FormField {
                        key: "{form.entry_type}-{spec.name}",
                        form: *form,
                        spec: *spec,
                        draft,
                        choices: choice_list.clone(),
                        rooms: room_list.clone(),
                        members: member_list.clone(),
                        errors: errors_for(spec.name),
                    }
                }
            }
            if matches!(form.entry_type, "plane" | "train") {
                TripDistance { draft: draft() }
                if !editing {
                    label { class: "check",
                        input { r#type: "checkbox", "data-testid": "field-round_trip", checked: round_trip(),
                            onchange: move |e| round_trip.set(e.checked()) }
                        " {t::ROUND_TRIP.get(lang)}"
                    }
                }
            }
            if own_rows_only && form.fields.iter().any(|f| f.input == Input::Traveller) {
                p { class: "muted small", "{t::TRIPS_ARE_YOURS.get(lang)}" }
            }
            div { class: "form-actions",
                button { class: "btn btn-primary", r#type: "submit", "data-testid": "entry-submit", disabled: submitting,
                    if submitting { "{t::SAVING.get(lang)}" } else if editing { "{t::SAVE_CHANGES.get(lang)}" } else { "{t::ADD_ENTRY.get(lang)}" }
                }
                button { class: "btn btn-ghost", r#type: "button", onclick: move |_| on_cancel.call(()), "{t::CANCEL.get(lang)}" }
            }
        }
    }
}

/// One field: its control by input kind, inside the shared label / hint / error shell.
#[component]
fn FormField(
    form: TypeForm,
    spec: FieldSpec,
    draft: Signal<Draft>,
    choices: Vec<FactorChoiceView>,
    rooms: Vec<RoomView>,
    /// The people a traveller may be: (institutional id, name).
    members: Vec<(String, String)>,
    errors: Vec<String>,
) -> Element {
    let lang = use_i18n().lang();
    let name = spec.name;
    let id = format!("f-{name}");
    let list_id = format!("{id}-list");
    let value = draft.read().get(name).to_owned();
    let invalid = !errors.is_empty();
    let required = spec.required && spec.input != Input::Traveller;
    let mut set = move |v: String| draft.write().set(name, v);
    // Suggestions for the searchable inputs, refreshed as the person types.
    let typed = value.clone();
    let suggestions = use_resource(use_reactive!(|typed| async move {
        let q = typed.trim().to_owned();
        match spec.input {
            Input::Airport if q.chars().count() >= 2 => api::search_airports(&q)
                .await
                .map(|a| a.into_iter().map(|a| (a.iata_code, format!("{} · {}", a.name, a.country_code))).collect())
                .unwrap_or_default(),
            Input::Station { .. } if q.chars().count() >= 2 => api::search_stations(&q)
                .await
                .map(|s| s.into_iter().map(|s| (s.name, s.country_code)).collect())
                .unwrap_or_default(),
            _ => Vec::<(String, String)>::new(),
        }
    }));

    let options: Vec<(String, String)> = match spec.input {
        Input::Airport | Input::Station { .. } => suggestions.read().clone().unwrap_or_default(),
        Input::Building => {
            let mut b: Vec<(String, String)> = rooms
                .iter()
                .map(|r| (r.building_name.clone(), r.building_location.clone().unwrap_or_default()))
                .collect();
            b.sort();
            b.dedup_by(|x, y| x.0 == y.0);
            b
        }
        Input::Room => {
            let building = draft.read().get("building_name").to_owned();
            rooms
                .iter()
                .filter(|r| r.building_name == building)
                .map(|r| (r.room_name.clone(), format!("{} · {} m²", r.room_type, r.room_surface_square_meter)))
                .collect()
        }
        Input::FactorKey => {
            let mut o: Vec<(String, String)> = choices
                .iter()
                .filter_map(|c| {
                    let v = c.classification.get(name).and_then(|v| v.as_str())?;
                    let hint = c
                        .values
                        .get("purchase_institutional_description")
                        .or_else(|| c.classification.get("researchfacility_name"))
                        .or_else(|| c.classification.get("unit"))
                        .and_then(|v| v.as_str())
                        .unwrap_or_default();
                    Some((v.to_owned(), hint.to_owned()))
                })
                .collect();
            o.sort();
            o.dedup_by(|x, y| x.0 == y.0);
            o
        }
        Input::Traveller => members.clone(),
        _ => Vec::new(),
    };

    // A value that matches a suggestion fills what it implies.
    let mut on_value = {
        let options = options.clone();
        let choices = choices.clone();
        move |v: String| {
            set(v.clone());
            match spec.input {
                Input::Station { country_field } => {
                    if let Some((_, country)) = options.iter().find(|(n, _)| *n == v) {
                        draft.write().set(country_field, country.clone());
                    }
                }
                Input::Room => {
                    let building = draft.read().get("building_name").to_owned();
                    if let Some(room) = rooms.iter().find(|r| r.building_name == building && r.room_name == v) {
                        let mut d = draft.write();
                        d.set("room_type", room.room_type.clone());
                        if d.get("building_location").is_empty() {
                            d.set("building_location", room.building_location.clone().unwrap_or_default());
                        }
                    }
                }
                Input::FactorKey => {
                    if let Some(choice) =
                        choices.iter().find(|c| c.classification.get(name).and_then(|x| x.as_str()) == Some(&v))
                    {
                        let mut d = draft.write();
                        // A purchase code belongs to one category: the entry takes its type.
                        if let Some(target) = form_of(&choice.entry_type).filter(|f| f.entry_type != d.entry_type) {
                            d.entry_type = target.entry_type.to_owned();
                        }
                        let target = form_of(&d.entry_type).copied().unwrap_or(form);
                        d.fill_from_choice(&target, choice);
                    }
                }
                _ => {}
            }
        }
    };

    let hint = match spec.input {
        Input::Airport => Some(t::HINT_AIRPORT.get(lang).to_owned()),
        Input::Station { .. } => Some(t::HINT_STATION.get(lang).to_owned()),
        Input::FactorKey => Some(t::HINT_FACTOR_KEY.get(lang).to_owned()),
        Input::Traveller => Some(t::HINT_TRAVELLER.get(lang).to_owned()),
        _ => None,
    };
    let described = if hint.is_some() { format!("{id}-hint {id}-err") } else { format!("{id}-err") };
    let wide = name == "note" || name == "purchase_institutional_description";
    rsx! {
        FieldShell { id: id.clone(), label: spec.label.get(lang).to_owned(), required, hint, wide, errors,
            match spec.input {
                Input::Choice(choices) => rsx! {
                    select {
                        id: "{id}",
                        name: "{name}",
                        "data-testid": "field-{name}",
                        aria_invalid: invalid,
                        aria_describedby: "{described}",
                        onchange: move |e| set(e.value()),
                        if !spec.required || value.is_empty() {
                            option { value: "", selected: value.is_empty(), "—" }
                        }
                        for (v, label) in choices.iter() {
                            option { key: "{v}", value: *v, selected: value == *v, "{label.get(lang)}" }
                        }
                    }
                },
                _ => rsx! {
                    input {
                        id: "{id}",
                        name: "{name}",
                        "data-testid": "field-{name}",
                        r#type: if spec.input == Input::Date { "date" } else { "text" },
                        inputmode: if matches!(spec.input, Input::Decimal { .. } | Input::Integer { .. }) { "decimal" } else { "text" },
                        autocomplete: "off",
                        list: if options.is_empty() { None } else { Some(list_id.clone()) },
                        value: "{value}",
                        aria_invalid: invalid,
                        aria_required: required,
                        aria_describedby: "{described}",
                        oninput: move |e| on_value(e.value()),
                    }
                    if !options.is_empty() {
                        datalist { id: "{list_id}", "data-testid": "options-{name}",
                            for (v, label) in options.iter() {
                                option { key: "{v}", value: "{v}", "{label}" }
                            }
                        }
                    }
                },
            }
        }
    }
}

/// The distance of one leg as the calculation counts it, once both ends are known.
#[component]
fn TripDistance(draft: Draft) -> Element {
    let lang = use_i18n().lang();
    let plane = draft.entry_type == "plane";
    let ends = if plane {
        (
            draft.get("origin_iata").trim().to_uppercase(),
            String::new(),
            draft.get("destination_iata").trim().to_uppercase(),
            String::new(),
        )
    } else {
        (
            draft.get("origin_name").trim().to_owned(),
            draft.get("origin_country_code").trim().to_owned(),
            draft.get("destination_name").trim().to_owned(),
            draft.get("destination_country_code").trim().to_owned(),
        )
    };
    let trips: f64 = co2_domain::fields::parse_decimal(draft.get("number_of_trips")).unwrap_or(1.0).max(1.0);
    let distance = use_resource(use_reactive!(|ends, plane| async move {
        let (a, ca, b, cb) = ends;
        let ready = if plane {
            a.len() == 3 && b.len() == 3
        } else {
            !a.is_empty() && ca.len() == 2 && !b.is_empty() && cb.len() == 2
        };
        if !ready {
            return None;
        }
        let d = if plane { api::plane_distance(&a, &b).await } else { api::train_distance((&a, &ca), (&b, &cb)).await };
        Some(d.map_err(|e| e.message))
    }));
    rsx! {
        match distance.read().clone().flatten() {
            Some(Ok(d)) => rsx! {
                p { class: "trip-distance", role: "status", "data-testid": "trip-distance", "data-km": "{d.one_way_km}",
                    "{t::trip_distance(lang, d.one_way_km, d.great_circle_km, trips)}"
                }
            },
            Some(Err(message)) => rsx! { p { class: "field-error", role: "status", "{message}" } },
            None => rsx! {},
        }
    }
}

/// The people a trip's traveller may be: the unit's role holders and the year's headcount, by
/// institutional id, each once, sorted by name.
async fn people_of(unit: &str, year: i32) -> Vec<(String, String)> {
    let mut people: Vec<(String, String)> =
        api::unit_members(unit).await.unwrap_or_default().into_iter().map(|m| (m.user, m.display_name)).collect();
    let q = api::EntryQuery { page: 1, per_page: 500, entry_type: "member".into(), ..api::EntryQuery::default() };
    if let Ok(page) = api::list_entries(unit, year, "headcount", &q).await {
        people.extend(page.items.iter().filter_map(|e| {
            let id = e.data.get("user_institutional_id")?.as_str()?.to_owned();
            let name = e.data.get("name").and_then(|n| n.as_str()).unwrap_or(&id).to_owned();
            Some((id, name))
        }));
    }
    people.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    people.dedup_by(|a, b| a.0 == b.0);
    people
}

/// A round trip: the return leg counts as trips of its own (`number_of_trips` doubled).
fn double_trips(input: &mut EntryInput) {
    let given = input.data.get("number_of_trips").and_then(|v| v.as_str()).and_then(|v| v.trim().parse::<i64>().ok());
    let doubled = given.unwrap_or(1).saturating_mul(2);
    input.data.insert("number_of_trips".into(), serde_json::Value::String(doubled.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_trip_doubles_the_trips_given_or_the_one_by_default() {
        let mut input = EntryInput { entry_type: "plane".into(), data: serde_json::Map::new() };
        double_trips(&mut input);
        assert_eq!(input.data["number_of_trips"], "2");
        input.data.insert("number_of_trips".into(), "3".into());
        double_trips(&mut input);
        assert_eq!(input.data["number_of_trips"], "6");
    }
}
