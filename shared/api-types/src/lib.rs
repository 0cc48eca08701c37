//! Request/response DTOs of the public HTTP API and the one error envelope.
//!
//! serde only: this crate compiles for `wasm32-unknown-unknown` so the SPA decodes responses (and
//! errors) with the very types the functions encode them with. No I/O, no domain logic.

use serde::{Deserialize, Serialize};

/// `{"error":{"code","message","details"}}` — the body of every non-2xx response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The inside of [`ErrorEnvelope`]. `code` is stable, low-cardinality snake_case.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
}

/// The four personas of DOMAIN §7.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Persona {
    Standard,
    Principal,
    Backoffice,
    Admin,
}

impl Persona {
    pub const ALL: [Persona; 4] = [Persona::Standard, Persona::Principal, Persona::Backoffice, Persona::Admin];

    /// The wire name, also the `role` stored in role assignments.
    pub fn as_str(self) -> &'static str {
        match self {
            Persona::Standard => "standard",
            Persona::Principal => "principal",
            Persona::Backoffice => "backoffice",
            Persona::Admin => "admin",
        }
    }

    /// The persona of a wire name.
    pub fn parse(name: &str) -> Option<Persona> {
        Persona::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// `POST /api/v1/auth/dev-login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevLoginRequest {
    pub persona: Persona,
    /// Institutional id of the unit the persona belongs to (standard / principal).
    #[serde(default)]
    pub unit: Option<String>,
}

/// Answer of a successful login: the session token (also set as the `co2_session` cookie).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A role held by the caller, with its scope.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleGrant {
    /// `standard`, `principal`, `backoffice` or `admin`.
    pub role: Persona,
    /// Unit institutional id for unit roles and subtree roles; `None` for a global grant.
    pub unit: Option<String>,
}

/// `GET /api/v1/session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub user: UserInfo,
    pub roles: Vec<RoleGrant>,
    /// Derived capabilities, e.g. `unit:9001:edit`, `backoffice:admin`.
    pub permissions: Vec<String>,
    /// True when the session comes from the development login (never in a cluster profile).
    pub dev_login: bool,
}

/// The signed-in person.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub user_id: uuid::Uuid,
    pub institutional_id: String,
    pub display_name: String,
    pub email: Option<String>,
}

/// A unit visible to the caller (`GET /api/v1/units`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitSummary {
    pub institutional_id: String,
    pub name: String,
    pub parent: Option<String>,
    /// The caller's role in this unit, when it has one.
    pub my_role: Option<Persona>,
}

/// A report year of a unit (`GET /api/v1/units/{unit}/years`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearSummary {
    pub year: i32,
    /// Open to users for writes.
    pub is_open: bool,
    /// The institution's reduction objective for the year, if set.
    #[serde(default)]
    pub goal: Option<YearGoal>,
    /// Modules not collected this year (module keys).
    #[serde(default)]
    pub disabled_modules: Vec<String>,
    /// Entry types not collected this year (DET names).
    #[serde(default)]
    pub disabled_entry_types: Vec<String>,
    /// Entry types the office loads for every unit this year (DET names): collected, but no
    /// unit writes them.
    #[serde(default)]
    pub central_entry_types: Vec<String>,
    /// When the units' modules should be validated by (the campaign's deadline).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<chrono::NaiveDate>,
}

/// `PUT /api/v1/backoffice/years/{year}/entry-types/{entry_type}` (admin): collected or not,
/// and (when given) loaded by the office for every unit or not.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryTypeSettings {
    pub enabled: bool,
    /// Absent: unchanged.
    #[serde(default)]
    pub centrally_fed: Option<bool>,
}

/// `GET /api/v1/backoffice/years/{year}/central-loads` (admin): what the office loads for every
/// unit of a year, type by type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CentralLoadsView {
    pub year: i32,
    /// Open to writes.
    pub is_open: bool,
    /// The year whose files can be copied forward (the one before), when it exists.
    pub previous_year: Option<i32>,
    pub loads: Vec<CentralLoad>,
}

/// One entry type (and feed) the office can load for every unit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CentralLoad {
    pub module: String,
    /// The entry type's name (its template and upload name it).
    pub entry_type: String,
    /// `None`: the office's year-wide file; `agency`: the travel agency's export.
    pub feed: Option<UploadFeed>,
    /// Collected this year (a type not collected takes no rows).
    pub collected: bool,
    /// Loaded by the office only: no unit writes it this year.
    pub centrally_fed: bool,
    /// Rows the office's files of this type and feed hold now, and in how many units.
    pub entries: i64,
    pub units: i64,
    /// The latest file of this type and feed, with its job.
    pub latest: Option<CentralFile>,
    /// Last year's file of this type that loaded, which `…/copy` runs again under this year.
    pub previous_file: Option<String>,
}

/// A file the office loaded, with its job's state, counts and errors.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CentralFile {
    pub filename: String,
    pub mode: UploadMode,
    /// The period an agency export covers.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_from: Option<chrono::NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_to: Option<chrono::NaiveDate>,
    /// Who started it (their name).
    pub started_by: Option<String>,
    pub job: JobView,
}

/// `POST /api/v1/backoffice/years/{year}/central-loads/copy` (admin): run last year's file of
/// an entry type again under this year, as a new job (a replace of that type's central rows).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyCentralLoadRequest {
    pub module: String,
    pub entry_type: String,
}

/// Answer of the copy: the new job to follow and the file it runs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyCentralLoadResponse {
    pub job_id: uuid::Uuid,
    pub upload_id: uuid::Uuid,
    pub from_year: i32,
    pub filename: String,
}

/// `PUT /api/v1/backoffice/years/{year}/modules/{module}` (admin).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleEnabled {
    pub enabled: bool,
}

/// A year's reduction objective: the core footprint `reduction_percent` below the reference
/// year's (`PUT /api/v1/backoffice/years/{year}/goal`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearGoal {
    /// In (0, 100].
    pub reduction_percent: f64,
    /// An earlier report year.
    pub reference_year: i32,
}

/// Module status of DOMAIN §6.1 (`not_started`, `in_progress`, `validated`).
pub use co2_domain::ModuleStatus;

/// One of the 8 modules of a report with its status and headline totals.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleView {
    /// Module key of DOMAIN §1, e.g. `equipment`.
    pub module: String,
    /// Position 1..=8 in DOMAIN §1 order.
    pub position: u8,
    pub status: ModuleStatus,
    pub entry_count: i64,
    /// Headline kg CO₂e (additional categories excluded).
    pub kg_co2eq: f64,
    pub scope1_kg: f64,
    pub scope2_kg: f64,
    pub scope3_kg: f64,
    /// Additional-category kg (kept apart from the headline).
    pub additional_kg: f64,
    /// Entry types of the module (DOMAIN §1 DET names).
    pub entry_types: Vec<String>,
    /// Collected this year (a disabled module takes no changes).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// The module's entry types not collected this year.
    #[serde(default)]
    pub disabled_entry_types: Vec<String>,
    /// The module's entry types the office loads for every unit this year.
    #[serde(default)]
    pub central_entry_types: Vec<String>,
}

/// `GET /api/v1/units/{unit}/years/{year}/report`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    pub modules: Vec<ModuleView>,
    /// `"validated/8"`.
    pub completion_progress: String,
    pub overall_status: ModuleStatus,
    /// The names of the unit's principals (its head and team managers): whom a member asks.
    #[serde(default)]
    pub principals: Vec<String>,
}

/// `POST …/modules/{module}/change-requests`: a member asks the unit's principals to reopen a
/// validated module for a change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequestInput {
    /// What should change and why (1–2,000 characters).
    pub message: String,
}

/// Whom a change request reached.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequestView {
    /// The names of those notified: the unit's principals, else the sustainability office.
    pub notified: Vec<String>,
}

/// Scope split in kg and tonnes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeTotals {
    pub scope1_kg: f64,
    pub scope2_kg: f64,
    pub scope3_kg: f64,
    pub total_kg: f64,
    pub total_t: f64,
}

/// Totals of one module in the results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleResult {
    pub module: String,
    pub status: ModuleStatus,
    pub totals: ScopeTotals,
    pub additional_kg: f64,
}

/// `POST /api/v1/units/{unit}/plans`: a new reduction plan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePlanRequest {
    /// Unique in the unit, 1–200 characters.
    pub name: String,
    /// The report year the plan measures itself from.
    pub reference_year: i32,
}

/// A measure of a plan, as sent (`POST …/measures`, `PUT …/measures/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureInput {
    /// What is done, e.g. "Train instead of plane under 1,000 km" (1–200 characters).
    pub lever: String,
    /// The module it acts on (a module key), if one.
    #[serde(default)]
    pub module: Option<String>,
    /// Who carries it.
    #[serde(default)]
    pub owner: String,
    /// The year from which it saves its kg.
    pub target_year: i32,
    /// The kg CO₂e it is expected to save each year from then on (≥ 0).
    pub expected_kg: f64,
    #[serde(default)]
    pub note: String,
}

/// A stored measure.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureView {
    pub measure_id: uuid::Uuid,
    #[serde(flatten)]
    pub measure: MeasureInput,
}

/// One year of a plan's trajectory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrajectoryPointView {
    pub year: i32,
    /// The reference footprint less the measures in effect.
    pub planned_kg: f64,
    /// Where the institution's goals put it; `None` without goals.
    pub goal_kg: Option<f64>,
    /// What that year's report shows, when there is one.
    pub realised_kg: Option<f64>,
}

/// A plan in a unit's list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    pub plan_id: uuid::Uuid,
    pub unit: String,
    pub name: String,
    pub reference_year: i32,
    pub created_by: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A plan with its measures and trajectory (`GET /api/v1/units/{unit}/plans/{plan_id}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: PlanSummary,
    /// The core footprint of the reference year, over every module of the unit and the units
    /// beneath it.
    pub reference_kg: f64,
    /// Σ of the measures' expected kg.
    pub planned_saving_kg: f64,
    pub measures: Vec<MeasureView>,
    /// From the reference year to 2040 (or the last measure's or goal's year).
    pub trajectory: Vec<TrajectoryPointView>,
    /// The institution's goals the trajectory is drawn against.
    pub goals: Vec<InstitutionGoal>,
    /// Whether the caller may change the plan.
    pub can_edit: bool,
}

/// One of the institution's long-term goals (`GET`/`PUT /api/v1/backoffice/goals`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionGoal {
    pub target_year: i32,
    /// In (0, 100].
    pub reduction_percent: f64,
    /// An earlier year.
    pub reference_year: i32,
}

/// How many entries of a quality class, and their kg.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityClassShare {
    /// `measured`, `activity_based`, `spend_based`, `default_filled`, `overridden` or `incomplete`.
    pub class: String,
    pub entries: i64,
    pub kg_co2eq: f64,
}

/// The data quality and uncertainty of a set of entries (a module, or the unit-year).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualitySummary {
    pub entries: i64,
    /// Entries with at least one emission row.
    pub computed_entries: i64,
    /// computed ÷ entries (1 when there is no entry).
    pub coverage: f64,
    /// 0–100: the kg-weighted mean of the classes' weights (measured 100, activity-based 80,
    /// overridden 60, spend-based 50, default-filled 40); `None` without kg.
    pub score: Option<f64>,
    pub kg_co2eq: f64,
    /// ± kg (half-width of a 95 % interval).
    pub uncertainty_kg: f64,
    /// ± % of the kg; `None` without kg.
    pub uncertainty_pct: Option<f64>,
    /// Every class, in order from the best data, with zeros.
    pub classes: Vec<QualityClassShare>,
}

/// A module's quality.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleQuality {
    pub module: String,
    #[serde(flatten)]
    pub summary: QualitySummary,
}

/// Where better data would shrink the range most: a factor (or a module's given kg) and its
/// share of the total's variance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityHint {
    pub module: String,
    /// DET name of the entries concerned.
    pub entry_type: String,
    /// What the rows share: the factor's classification (e.g. `Centrifugation / Ultra
    /// centrifuges`), else the formula.
    pub subject: String,
    pub entries: i64,
    pub kg_co2eq: f64,
    pub uncertainty_kg: f64,
    /// 0–1 of the total's variance.
    pub share_of_variance: f64,
    /// What would help: `fill_blank_inputs`, `use_activity_data`, `measure_activity`,
    /// `document_given_kg` or `refine_factor`.
    pub advice: String,
}

/// `GET /api/v1/results/units/{unit}/years/{year}/quality`: how good a unit-year's data is and
/// how uncertain its total, per module, with the hints of where better data helps most.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityView {
    pub unit: String,
    pub year: i32,
    /// Every module's current rows (validated or not).
    pub total: QualitySummary,
    pub modules: Vec<ModuleQuality>,
    /// At most 3, largest first.
    pub hints: Vec<QualityHint>,
    /// How the score and the range are computed.
    pub method: String,
}

/// `GET /api/v1/units/{unit}/years/{year}/results` (DOMAIN §6.3).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsView {
    pub unit: String,
    pub year: i32,
    pub modules: Vec<ModuleResult>,
    /// Σ of the module headlines of **all** modules (what has been entered so far).
    pub entered: ScopeTotals,
    /// Core total of DOMAIN §6.3: Σ of headlines of the modules counted by `basis`.
    pub core: ScopeTotals,
    pub completion_progress: String,
    /// `validated_modules` (results, reporting) or `all_modules` (simulation).
    pub basis: String,
    /// Modules removed from every figure (`exclude` parameter).
    pub excluded_modules: Vec<String>,
    /// Core + the additional categories that count (their module is counted).
    pub total_with_additional_kg: f64,
    /// Core categories in chart order (process emissions … professional travel).
    pub categories: Vec<CategoryResult>,
    /// Additional categories (commuting, food, waste, embodied energy), kept apart from the core.
    pub additional: Vec<CategoryResult>,
    /// Σ member + student FTE of the counted headcount module.
    pub fte: f64,
    /// Core t CO₂e per FTE; null when FTE is 0.
    pub t_per_fte: Option<f64>,
    /// Core kg ÷ 0.2996 kg/km.
    pub car_km_equivalent: f64,
    pub it_focus: ItFocusView,
    pub year_over_year: YearOverYearView,
}

/// One emission leaf's kg.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeafResult {
    pub emission_type: String,
    pub kg: f64,
}

/// A chart category with its leaves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryResult {
    pub category: String,
    pub kg: f64,
    pub t_per_fte: Option<f64>,
    pub leaves: Vec<LeafResult>,
}

/// The IT focus: IT equipment, IT purchases, cloud and AI, IT research facilities.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItFocusView {
    pub kg: f64,
    /// Share of the core total (0..1); null when the core is 0.
    pub share_of_core: Option<f64>,
    pub leaves: Vec<LeafResult>,
    /// IT equipment by `equipment_class`: the 3 heaviest and the rest.
    pub equipment_classes: ClassBreakdownView,
    /// IT purchases by UNSPSC class code: the 3 heaviest and the rest.
    pub purchase_classes: ClassBreakdownView,
}

/// The heaviest classes of a breakdown and the Σ of the others.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassBreakdownView {
    /// Heaviest first, at most 3.
    pub top: Vec<ClassResult>,
    /// Σ kg of the classes not in `top`.
    pub rest_kg: f64,
    /// How many classes `rest_kg` sums.
    pub rest_classes: usize,
}

/// kg of one class.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassResult {
    /// An equipment class (e.g. `Laptop`) or a UNSPSC code (e.g. `43211500`).
    pub class: String,
    /// A description, when one is known.
    pub label: Option<String>,
    pub kg: f64,
}

/// Change against the same unit's previous year, with the same rules.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearOverYearView {
    pub previous_year: i32,
    /// The previous year's core kg; null without a report that year.
    pub previous_core_kg: Option<f64>,
    /// (current − previous) ÷ previous × 100; null when previous is 0 or missing.
    pub core_percent: Option<f64>,
    pub modules: Vec<ModuleChange>,
}

/// One module's year-over-year change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleChange {
    pub module: String,
    pub percent: Option<f64>,
}

/// One emission row of an entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmissionView {
    /// Leaf key of DOMAIN §3, e.g. `equipment__scientific`.
    pub emission_type: String,
    pub scope: u8,
    pub kg_co2eq: f64,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub factor_ids: Vec<uuid::Uuid>,
}

/// Where an entry came from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntrySource {
    /// Typed in a form or sent to the entries API.
    Manual,
    /// A file uploaded from the module page.
    Upload,
    /// A file put into the drop folder.
    Dropbox,
    /// The back office's year-wide file, loaded for every unit.
    Backoffice,
    /// The travel agency's export, imported by trip key; read-only for everyone.
    Agency,
}

/// A module's entries grouped for its charts (`GET …/modules/{module}/breakdown`): flights by
/// haul and class, equipment by class, embodied energy by building, the headcount's FTE by
/// position…, each the heaviest groups first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleBreakdownView {
    pub module: String,
    pub charts: Vec<BreakdownChart>,
}

/// One chart of a module: what it groups by (`key`, e.g. `by_haul_and_class`) and what it sums
/// (`unit`: `kg` of CO₂-eq, the headline's rows only, or `fte`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownChart {
    pub key: String,
    pub unit: String,
    /// At most 10 groups, heaviest first; the rest summed in a last group with `rest` set.
    pub groups: Vec<BreakdownGroup>,
}

/// A group of a chart: its label (a class, a building, a provider…), its sum and entries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownGroup {
    pub label: String,
    pub value: f64,
    pub entries: i64,
    #[serde(default)]
    pub rest: bool,
}

/// The unit-year's trips for its map (`GET …/trips`): one route per pair of places and mode,
/// both directions together, with its trips and kg; no traveller is named.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripsMapView {
    pub routes: Vec<TripRoute>,
    /// Trip entries whose places the reference does not know: not on the map.
    pub unplaced_entries: i64,
}

/// A route of the map.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripRoute {
    /// `plane` or `train`.
    pub mode: String,
    pub from: TripPlace,
    pub to: TripPlace,
    /// Σ `number_of_trips` of its entries.
    pub trips: i64,
    pub kg: f64,
}

/// An airport (its IATA code) or a station (its name), where the reference has it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TripPlace {
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// What the simulation computes with: the entries the caller may see in a unit-year (all of
/// them for its principal; a member's own trips and cloud & AI rows) and the year's factors of
/// every module, with the references they need (the entries' airports, the stations, the rooms).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulationBasis {
    pub year: i32,
    /// `{entry_type, data}` of each entry, as stored.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub entries: Vec<co2_domain::simulation::SimEntry>,
    /// Modules with more entries than one basis carries: their simulation covers the first ones.
    pub truncated_modules: Vec<String>,
    /// The year's factor set (`co2_domain::catalogue::FactorSet`), as the server computes with.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub factors: co2_domain::catalogue::FactorSet,
}

/// An entry with its fields and emission rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryView {
    pub entry_id: uuid::Uuid,
    /// DET name, e.g. `scientific`.
    pub entry_type: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    /// Σ of the entry's rows; `None` when no row could be computed ("incomplete").
    pub kg_co2eq: Option<f64>,
    /// Why no emission could be computed, when that is the case.
    pub incomplete_reason: Option<String>,
    pub source: EntrySource,
    /// The entry's kg is above its type's threshold for the year (DOMAIN §6.3: shown in red).
    pub above_threshold: bool,
    pub emissions: Vec<EmissionView>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Where a factor comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FactorOrigin {
    /// The shipped defaults, loaded by the first install.
    Shipped,
    /// A factor file the back office uploaded.
    Uploaded,
}

/// One stored factor with its provenance (`GET /api/v1/reference/factors/{factor_id}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorView {
    pub factor_id: uuid::Uuid,
    pub year: i32,
    /// DET name of the entries it applies to, e.g. `scientific`.
    pub entry_type: String,
    pub emission_type: String,
    /// The columns that identify it in its file (e.g. `equipment_class`, `sub_class`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub classification: serde_json::Value,
    /// Its values (e.g. `ef_kg_co2eq_per_kwh`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub values: serde_json::Value,
    /// Absent from the latest upload of its file (kept for the rows computed with it).
    pub stale: bool,
    pub origin: FactorOrigin,
    /// The factor file it belongs to, e.g. `equipments_factors.csv`.
    pub file: Option<String>,
    /// For a shipped factor, where the shipped values come from.
    pub shipped_source: Option<String>,
    /// Who uploaded it, for an uploaded factor.
    pub loaded_by: Option<String>,
    /// When it was last written.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A text in both languages of the product.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bilingual {
    pub en: String,
    pub fr: String,
}

/// One value that went into a row's formula.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermView {
    /// A column of the entry's template or of the factor file, or an intermediate result.
    pub name: String,
    /// A number or a text.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub value: serde_json::Value,
    pub unit: String,
}

/// A default the engine used in place of the entry's own value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedDefaultView {
    pub field: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub value: serde_json::Value,
    /// The rule's key, e.g. `factor_hours`.
    pub rule: String,
    pub why: Bilingual,
}

/// Why one emission row has its kg.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowExplanation {
    pub emission_type: String,
    pub scope: u8,
    pub kg_co2eq: f64,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    /// The formula's key (e.g. `equipment`, `override`); `None` for a row computed before
    /// explanations were recorded (a recalculation of the module records them).
    pub formula: Option<String>,
    /// The formula in words.
    pub formula_text: Option<Bilingual>,
    pub terms: Vec<TermView>,
    pub defaults: Vec<AppliedDefaultView>,
    /// The factors the row was computed with, as stored now (the values used are in `terms`).
    pub factors: Vec<FactorView>,
    /// ± % of the row's kg (its factor's `uncertainty_pct` or its formula's default, widened by
    /// the defaults applied); `None` without an explanation.
    pub uncertainty_pct: Option<f64>,
}

/// Why an entry has its kg (`GET /api/v1/entries/{entry_id}/explanation`): its inputs, and for
/// each emission row the formula, the values, the defaults applied and the factors with their
/// source and year.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryExplanation {
    pub entry_id: uuid::Uuid,
    pub entry_type: String,
    pub year: i32,
    pub source: EntrySource,
    /// The entry's fields as stored.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub inputs: serde_json::Value,
    pub kg_co2eq: Option<f64>,
    pub incomplete_reason: Option<String>,
    /// The entry's data quality class (`measured`, `activity_based`, `spend_based`,
    /// `default_filled`, `overridden`, `incomplete`).
    pub quality: String,
    pub rows: Vec<RowExplanation>,
}

/// Where a unit-year module's entries are listed (GET) and created (POST), under api-entries'
/// own prefix. (`/api/v1/units/{unit}/years/{year}/modules/{module}/entries` is the former,
/// deprecated address: it answers a permanent redirect here.)
pub fn module_entries_path(unit: &str, year: i32, module: &str) -> String {
    format!("/api/v1/entries/units/{unit}/years/{year}/modules/{module}")
}

/// Where a unit-year's results are read, under api-results' own prefix.
/// (`/api/v1/units/{unit}/years/{year}/results` is the former, deprecated address: it answers a
/// permanent redirect.)
pub fn results_path(unit: &str, year: i32) -> String {
    format!("/api/v1/results/units/{unit}/years/{year}")
}

/// `GET /api/v1/entries/units/{unit}/years/{year}/modules/{module}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryPage {
    pub items: Vec<EntryView>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// Headline kg of the module (all entries, not just this page).
    pub module_kg_co2eq: f64,
    /// The year's threshold of each of the module's types that has one and can be computed.
    pub thresholds: Vec<EntryTypeThreshold>,
}

/// The kg above which an entry of a type is flagged.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryTypeThreshold {
    pub entry_type: String,
    pub kg: f64,
}

/// Body of create/update: the entry type and its fields as the CSV template names them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryInput {
    pub entry_type: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Map<String, serde_json::Value>,
}

/// Replace the file-loaded rows of the scope, or add to them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UploadMode {
    Replace,
    #[default]
    Append,
}

/// A feed whose files follow their own rules instead of replace/append.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UploadFeed {
    /// The travel agency's export of plane and train trips (DOMAIN §9 D5), for every unit of the
    /// year: each row carries `ticket`, `segment` and `departure_date`, the trip's stable key. A
    /// re-import replaces the agency's trips of its period and every trip whose key it brings
    /// again: it updates and removes by key, never duplicates. Agency trips are read-only.
    Agency,
}

/// `POST /api/v1/uploads`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUploadRequest {
    /// The unit; absent for the admin's year-wide upload for every unit.
    #[serde(default)]
    pub unit: Option<String>,
    pub year: i32,
    pub module: String,
    #[serde(default)]
    pub entry_type: Option<String>,
    pub filename: String,
    #[serde(default)]
    pub mode: UploadMode,
    /// A feed with its own rules (the agency's export); absent for an ordinary file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed: Option<UploadFeed>,
    /// The first and last day an agency export covers (`YYYY-MM-DD`, inside the year); absent:
    /// the whole year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_from: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_to: Option<chrono::NaiveDate>,
}

/// Answer of `POST /api/v1/uploads`: PUT the bytes to `put_url`, then follow `job_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUploadResponse {
    pub upload_id: uuid::Uuid,
    pub put_url: String,
    pub job_id: uuid::Uuid,
    /// Headers the PUT must carry (e.g. `content-type`), if any.
    #[serde(default)]
    pub put_headers: std::collections::BTreeMap<String, String>,
}

/// Lifecycle of a job.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
}

impl JobState {
    /// Every state, in lifecycle order.
    pub const ALL: [JobState; 4] = [JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed];

    /// The state as the API and the database spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
        }
    }

    /// Whether the job can still change.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Succeeded | JobState::Failed)
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no job state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownJobState(pub String);

impl std::fmt::Display for UnknownJobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}' is not a job state (queued, running, succeeded, failed)", self.0)
    }
}

impl std::error::Error for UnknownJobState {}

impl std::str::FromStr for JobState {
    type Err = UnknownJobState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobState::ALL.into_iter().find(|state| state.as_str() == s).ok_or_else(|| UnknownJobState(s.to_owned()))
    }
}

/// How the database's `text` column is read into the type (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for JobState {
    type Error = UnknownJobState;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// A row-level problem of an uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// Physical record number, the header being 1.
    pub row: u64,
    pub column: Option<String>,
    pub code: String,
    pub message: String,
    /// The worksheet of the row (XLSX files only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// `GET /api/v1/jobs/{job_id}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    pub job_id: uuid::Uuid,
    pub kind: String,
    pub state: JobState,
    /// 0..=1.
    pub progress: f64,
    pub rows_ok: i64,
    pub rows_failed: i64,
    /// Presigned link to the full error report (CSV), when there are row errors.
    pub errors_url: Option<String>,
    /// The first row errors, for display.
    pub errors: Vec<RowError>,
    /// Why the job failed as a whole.
    pub failure: Option<String>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub module: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `POST /api/v1/backoffice/units` (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUnitRequest {
    pub institutional_id: String,
    pub name: String,
    /// Institutional id of the parent unit; none for a root.
    #[serde(default)]
    pub parent: Option<String>,
    /// The principal's person id (informational; the role is granted separately).
    #[serde(default)]
    pub principal_user_institutional_id: Option<String>,
}

/// `POST /api/v1/backoffice/years` (admin): creates the year and every unit's report for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateYearRequest {
    pub year: i32,
    #[serde(default = "default_true")]
    pub is_open: bool,
}

fn default_true() -> bool {
    true
}

/// `PATCH /api/v1/backoffice/years/{year}` (admin): opens or closes a year for writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateYearRequest {
    pub is_open: bool,
}

/// `PATCH /api/v1/units/{unit}/years/{year}/modules/{module}`: validate (`validated`) or reopen
/// (`in_progress`) a module.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleStatusUpdate {
    pub status: ModuleStatus,
}

/// An airport of the reference (`GET /api/v1/reference/airports`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AirportView {
    pub iata_code: String,
    pub name: String,
    pub municipality: Option<String>,
    pub country_code: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// A train station of the reference (`GET /api/v1/reference/stations`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationView {
    pub name: String,
    pub country_code: String,
    pub municipality: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
}

/// A room of the building reference, identified by (building, room).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomView {
    pub building_location: Option<String>,
    pub building_name: String,
    pub room_name: String,
    pub room_type: String,
    pub room_surface_square_meter: f64,
}

/// Units of a currency per 1 EUR for a year (ECB annual average).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeRateView {
    pub year: i32,
    pub currency: String,
    pub units_per_eur: f64,
}

/// `GET /api/v1/reference/distance`: the distance of a trip as the calculation counts it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistanceView {
    /// `plane` or `train`.
    pub mode: String,
    /// Great-circle distance, km (unrounded).
    pub great_circle_km: f64,
    /// One leg with the mode's detour (plane + 95 km; train × 1.2), rounded to whole km.
    pub one_way_km: i64,
}

/// Answer of a factor-file upload (`PUT /api/v1/backoffice/factors/{year}/{file}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorUploadResult {
    pub year: i32,
    pub file: String,
    /// Rows inserted or updated in place (ids kept).
    pub stored: usize,
    /// Factors of the same entry types absent from this file, now listed as stale.
    pub newly_stale: u64,
    /// The recalculation of the year's entries of these types, started by the upload.
    pub recalculation: RecalculationStarted,
}

/// A factor file of a year (`GET /api/v1/backoffice/factors/{year}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorFileView {
    /// The name to upload it under (`PUT /api/v1/backoffice/factors/{year}/{file}`), e.g.
    /// `equipments_factors`.
    pub file: String,
    /// The module its factors serve.
    pub module: String,
    /// Factors in use.
    pub current: i64,
    /// Of those, the factors the office uploaded (the rest are the shipped defaults).
    pub uploaded: i64,
    /// Factors a later upload of the file left out: kept for the entries computed with them,
    /// offered to no new computation.
    pub stale: i64,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The stale factors, most recent first (at most 20).
    pub stale_factors: Vec<StaleFactorView>,
}

/// A stale factor: what it applied to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaleFactorView {
    pub emission_type: String,
    pub classification: serde_json::Value,
}

/// The factor files of a year.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorFilesView {
    pub year: i32,
    pub files: Vec<FactorFileView>,
}

/// What an export contains.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// A unit-year's results: figures, every entry with its emission rows and the factors used
    /// (`xlsx`, or `csv` files in a ZIP), or the PDF report (`pdf`).
    UnitYear,
    /// One module of a year across the units the caller reports on: CSV files in a ZIP (`zip`).
    ModuleUnits,
    /// The reporting view of the units the caller reports on, filtered (`reporting`): summary,
    /// module states, charts and the unit rows in one PDF (`pdf`).
    Reporting,
    /// The GHG Protocol inventory of the institution or `subtree`: summary, lines by scope and
    /// category, placements and methodology, as a workbook (`xlsx`) or CSV files in a ZIP (`csv`).
    Inventory,
}

/// `POST /api/v1/exports`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportRequest {
    pub kind: ExportKind,
    /// `xlsx`, `csv` or `pdf` for `unit_year`; `zip` (the default) for `module_units`; `pdf` for
    /// `reporting`; `xlsx` (the default) or `csv` for `inventory`.
    pub format: Option<String>,
    pub year: i32,
    /// The unit's institutional id (`unit_year`).
    pub unit: Option<String>,
    /// The module key (`module_units`).
    pub module: Option<String>,
    /// `validated` (default) or `all`: which modules the unit-year figures count (DOMAIN §6.3).
    pub basis: Option<String>,
    /// The filters of a `reporting` export (as `GET /api/v1/backoffice/reporting/{year}` takes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting: Option<ReportingFilters>,
    /// The subtree of an `inventory` export (absent: the institution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtree: Option<String>,
}

/// An export job and, once it succeeded, its file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportView {
    pub job_id: uuid::Uuid,
    pub kind: ExportKind,
    pub format: String,
    pub year: i32,
    pub unit: Option<String>,
    pub module: Option<String>,
    pub basis: String,
    pub state: JobState,
    /// Entries written to the file.
    pub entries: i64,
    pub failure: Option<String>,
    pub file_name: Option<String>,
    pub bytes: Option<i64>,
    /// A presigned link to the file (valid 15 minutes), once the export succeeded.
    pub download_url: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `POST /api/v1/backoffice/recalculations`: what to compute again with the current factors.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecalculationRequest {
    pub year: i32,
    /// A module key; every module when absent.
    pub module: Option<String>,
    /// One entry type of `module`; all its types when absent.
    pub entry_type: Option<String>,
    /// One unit's institutional id; every unit when absent.
    pub unit: Option<String>,
}

/// A recalculation job, started: follow it at `/api/v1/jobs/{job_id}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecalculationStarted {
    pub job_id: uuid::Uuid,
    /// Entries to compute again.
    pub entries: i64,
    /// Slices the work was cut into (each one transaction).
    pub slices: usize,
}

/// Answer of a reference-data upload (`PUT /api/v1/backoffice/reference/{kind}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferenceUploadResult {
    pub kind: String,
    /// Rows now in the set (the upload replaced it whole).
    pub rows: usize,
}

/// Answer of an org-chart import (`PUT /api/v1/backoffice/org-chart`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgChartImportResult {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "co2_session";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_envelope_omits_null_details() {
        let env = ErrorEnvelope {
            error: ErrorBody {
                code: "unit_not_found".into(),
                message: "no such unit".into(),
                details: serde_json::Value::Null,
            },
        };
        assert_eq!(
            serde_json::to_string(&env).unwrap(),
            r#"{"error":{"code":"unit_not_found","message":"no such unit"}}"#
        );
    }

    #[test]
    fn upload_mode_defaults_to_append() {
        let req: CreateUploadRequest =
            serde_json::from_str(r#"{"unit":"9001","year":2025,"module":"equipment","filename":"e.csv"}"#).unwrap();
        assert_eq!(req.mode, UploadMode::Append);
        assert_eq!(req.entry_type, None);
    }
}

/// How an entry type's threshold is set for a year (`PUT …/thresholds/{year}/{module}/{type}`):
/// `{"policy":"fixed","kg":2500}` or `{"policy":"percentile","percentile":0.9}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum ThresholdPolicyView {
    /// A kg value set by the admin.
    Fixed { kg: f64 },
    /// A percentile (0 < p ≤ 1) of the year's entries of the type, across all units.
    Percentile { percentile: f64 },
}

/// The threshold of one entry type in a year, with how many entries lie above it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThresholdView {
    pub year: i32,
    pub module: String,
    pub entry_type: String,
    pub policy: ThresholdPolicyView,
    /// No policy set: the default (95th percentile) applies.
    pub is_default: bool,
    /// The effective kg limit; null when a percentile has no computed entries to work on.
    pub kg: Option<f64>,
    /// Computed entries of the type in the year, across all units.
    pub entries: i64,
    /// Of which strictly above `kg`.
    pub entries_above: i64,
}

/// One unit in the back-office reporting of a year.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitReportingRow {
    pub institutional_id: String,
    pub name: String,
    /// Ancestor path, e.g. `/10/100/9001/`.
    pub path: String,
    /// Validated modules out of 8, e.g. `3/8`.
    pub completion_progress: String,
    /// Σ of the headlines of the validated modules (the core total of DOMAIN §6.3).
    pub validated_core_kg: f64,
    /// Entries above their type's threshold.
    pub entries_above_threshold: i64,
}

/// `GET /api/v1/backoffice/reporting/{year}`: the units the caller reports on, filtered, with
/// what they add up to (validated modules: the official figures).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportingView {
    pub year: i32,
    /// The filters applied, as understood.
    pub filters: ReportingFilters,
    pub summary: ReportingSummary,
    /// Per module: how many filtered units are at each state, and the kg of their validated
    /// modules by scope.
    pub modules: Vec<ReportingModule>,
    /// The validated kg of the filtered units by chart category (core categories, chart order).
    pub categories: Vec<ReportingCategory>,
    pub units: Vec<ReportingUnit>,
}

/// Which units a reporting view keeps.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReportingFilters {
    /// A unit's institutional id (a faculty, an institute): that unit and the units under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtree: Option<String>,
    /// `validated` (every module), `in_progress` or `not_started` (no module begun).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<UnitCompletion>,
    /// With `module_status`: units whose module is at that state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub module_status: Option<ModuleStatus>,
}

/// Where a unit's report stands as a whole.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitCompletion {
    /// Every module validated.
    Validated,
    /// Some module begun, not all validated.
    InProgress,
    /// No module begun.
    NotStarted,
}

/// The summary cards of a reporting view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportingSummary {
    pub units: i64,
    pub validated: i64,
    pub in_progress: i64,
    pub not_started: i64,
    /// Σ headcount FTE of the units.
    pub fte: f64,
    /// Σ of the units' validated core totals.
    pub validated_kg: f64,
}

/// One module across the filtered units.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportingModule {
    pub module: String,
    pub not_started: i64,
    pub in_progress: i64,
    pub validated: i64,
    /// The validated modules' kg by scope (additional categories apart, as in the results).
    pub scopes: ScopeTotals,
}

/// One chart category across the filtered units.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportingCategory {
    pub category: String,
    pub kg: f64,
}

/// One unit's row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportingUnit {
    pub institutional_id: String,
    pub name: String,
    /// Ancestor path, e.g. `/10/100/9001/`.
    pub path: String,
    /// The principals' names.
    pub principal: Option<String>,
    /// Σ headcount FTE (members and students).
    pub fte: f64,
    pub completion: UnitCompletion,
    /// Validated modules out of all, e.g. `3/8`.
    pub completion_progress: String,
    /// Each module's state, in DOMAIN §1 order.
    pub modules: Vec<ModuleState>,
    /// The core total of the validated modules (DOMAIN §6.3).
    pub validated_kg: f64,
    /// Validated t per FTE, once headcount is validated.
    pub t_per_fte: Option<f64>,
    /// The chart category with the most validated kg.
    pub top_category: Option<String>,
    /// When a module last changed.
    pub last_update: Option<chrono::DateTime<chrono::Utc>>,
    /// Entries above their type's threshold.
    pub entries_above_threshold: i64,
}

/// `GET /api/v1/backoffice/rollups`: the units the caller reports on, rolled up to the nodes of
/// one level of the unit tree (faculties, institutes or units), year by year, by module and scope.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollupView {
    /// The years, oldest first.
    pub years: Vec<i32>,
    /// The tree level of the nodes (1: the root).
    pub depth: u32,
    /// `validated` (the official figures) or `all`.
    pub basis: String,
    /// With `restated`: the year whose factors every year was computed again with (the GHG
    /// Protocol's base-year recalculation); the stored reports are unchanged.
    pub restated_with: Option<i32>,
    pub nodes: Vec<RollupNode>,
}

/// One node of the tree (a faculty, an institute, a unit) and its years.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollupNode {
    pub institutional_id: String,
    pub name: String,
    pub path: String,
    pub years: Vec<RollupYear>,
}

/// A node's figures of one year: the sum over its units.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollupYear {
    pub year: i32,
    /// Units with a report that year, and those with every module validated.
    pub units: i64,
    pub units_validated: i64,
    /// Validated modules out of all of the units' modules, 0..=1.
    pub share_validated: f64,
    /// kg by module and scope (the basis's modules; additional categories apart).
    pub modules: Vec<RollupModule>,
    pub total: ScopeTotals,
    /// Change of the total against the year before, in percent (none without a year before or
    /// from zero).
    pub change_percent: Option<f64>,
    /// Which share of the node's FTE and floor area its validated units cover, and the total
    /// extrapolated from them.
    pub coverage: InventoryCoverageView,
}

/// One module's kg by scope in a roll-up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollupModule {
    pub module: String,
    pub scopes: ScopeTotals,
}

/// `PUT /api/v1/backoffice/years/{year}/deadline` (admin): the campaign's deadline, or none.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<chrono::NaiveDate>,
}

/// `GET /api/v1/backoffice/years/{year}/late`: the units that have not validated every module.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateUnitsView {
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<chrono::NaiveDate>,
    /// Days past the deadline (none before it, or without one).
    pub days_late: Option<i64>,
    pub units: Vec<LateUnit>,
}

/// A unit still to validate modules.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateUnit {
    pub institutional_id: String,
    pub name: String,
    pub principal: Option<String>,
    pub completion_progress: String,
    /// The modules not validated yet (keys, DOMAIN §1 order).
    pub modules_left: Vec<String>,
}

/// What a campaign message reached: units, notifications in the app, e-mails queued.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignSent {
    pub units: u64,
    pub notifications: u64,
    pub mails: u64,
}

/// `GET /api/v1/session/notifications`: the caller's latest notifications.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationsView {
    pub unread: i64,
    pub items: Vec<NotificationView>,
}

/// One notification.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub notification_id: uuid::Uuid,
    /// `year_opened`, `reminder`, `digest` or `change_request`.
    pub kind: String,
    pub year: Option<i32>,
    pub title: String,
    pub body: String,
    /// Where it leads in the app.
    pub link: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

/// `POST /api/v1/session/notifications/read`: the notifications read (absent: all).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkReadRequest {
    #[serde(default)]
    pub ids: Option<Vec<uuid::Uuid>>,
}

/// A module's state in a unit's report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleState {
    pub module: String,
    pub status: ModuleStatus,
}

/// Answer of `POST /api/v1/backoffice/jobs/{job_id}/abort`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobAborted {
    pub job_id: uuid::Uuid,
    /// Rows the job had staged (never published), now removed.
    pub staged_rows_removed: u64,
}

/// A role assignment (`GET /api/v1/backoffice/roles`, `GET /api/v1/units/{unit}/members`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleAssignmentView {
    pub assignment_id: uuid::Uuid,
    /// The user's institutional id.
    pub user: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Persona,
    /// The scope: the unit (standard, principal), the subtree root (backoffice), `None` for admin.
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    pub granted_at: chrono::DateTime<chrono::Utc>,
    /// Named by the identity provider's role claims (follows them at each sign-in).
    #[serde(default)]
    pub from_identity_provider: bool,
}

/// `POST /api/v1/backoffice/roles` (admin): grants a role; the user is created when the
/// identity provider has not introduced them yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrantRoleRequest {
    /// The user's institutional id.
    pub user: String,
    /// Used only when the user is new (their name otherwise comes from the identity provider).
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: Persona,
    /// Required for standard, principal and backoffice; must be absent for admin.
    #[serde(default)]
    pub unit: Option<String>,
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// GET (and HEAD) only.
    Read,
    /// Every call its owner may make.
    Write,
}

/// Where an API token stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    pub token_id: uuid::Uuid,
    pub name: String,
    /// The owner's institutional id: the token acts with the owner's roles.
    pub owner: String,
    pub owner_name: String,
    pub scope: TokenScope,
    /// The secret's first characters, to recognise it.
    pub prefix: String,
    pub state: TokenState,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_by: Option<String>,
}

/// One row of the facts feed (`GET /api/v1/backoffice/facts`): what a unit's published entries
/// of one module add up to on one emission leaf, scope and quantity unit, with the module's status.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactView {
    /// The unit's institutional id.
    pub unit: String,
    /// The unit's place in the organisation (`EPFL/ENAC/9001`).
    pub path: String,
    pub year: i32,
    pub module: String,
    pub status: ModuleStatus,
    /// The emission leaf (DOMAIN §3), e.g. `equipment__scientific`.
    pub leaf: String,
    /// The leaf's chart category, e.g. `equipment`.
    pub category: Option<String>,
    pub scope: i16,
    /// An additional category (campus averages), outside the core total.
    pub additional: bool,
    pub kg_co2eq: f64,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    /// How many entries contribute.
    pub entries: i64,
}

/// The CSV header of the facts feed, in [`FactView`]'s order.
pub const FACT_COLUMNS: [&str; 13] = [
    "unit",
    "path",
    "year",
    "module",
    "status",
    "leaf",
    "category",
    "scope",
    "additional",
    "kg_co2eq",
    "quantity",
    "quantity_unit",
    "entries",
];

/// A line of the GHG Protocol inventory (`GET /api/v1/backoffice/inventory`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryLineView {
    /// `scope1.stationary_combustion`, `scope2.location_based`, `scope3.cat06`…
    pub key: String,
    pub label: String,
    pub scope: u8,
    pub kg_co2eq: f64,
    /// The part from the additional categories (campus averages: commuting, food, waste,
    /// embodied energy), which the module headlines leave out.
    pub additional_kg: f64,
    /// kg by gas where the leaves name it (process emissions), else empty.
    pub by_gas: std::collections::BTreeMap<String, f64>,
    /// Why the line is not reported, for a Scope 3 category no leaf maps to.
    pub excluded_because: Option<String>,
}

/// Where an emission leaf stands in the inventory, and why (the methodology sheet).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryPlacementView {
    pub leaf: String,
    pub line: String,
    pub gas: Option<String>,
    pub reason: String,
}

/// A factor set the inventory's figures were computed with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorSetUsedView {
    pub file: String,
    pub module: String,
    pub factors: i64,
    /// Of those, uploaded by the office (the rest are the shipped defaults, `data/SOURCES.md`).
    pub uploaded: i64,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where the factors come from: the office's upload, or the shipped defaults' sources.
    #[serde(default)]
    pub source: String,
}

/// The GHG Protocol inventory of a year for the institution or a subtree: Scope 1 by source,
/// Scope 2 location-based, Scope 3 by its 15 categories, with exclusions, the base year and the
/// methodology (every leaf's placement and every factor set).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GhgInventoryView {
    pub year: i32,
    /// The subtree's root unit; `None` for everything the caller reports on.
    pub subtree: Option<String>,
    /// Units whose figures are in it.
    pub units: usize,
    /// The year the reduction goal is measured from, when one is set.
    pub base_year: Option<i32>,
    pub lines: Vec<InventoryLineView>,
    pub scope1_kg: f64,
    /// Scope 2 by the location-based method (the grid's average factors).
    pub scope2_kg: f64,
    /// Scope 2 by the market-based method, where the factor files give market factors (the
    /// kWh of rows whose factor has one at that factor, the others location-based); `None`
    /// when no factor of the year has one (absent from versions published before it).
    #[serde(default)]
    pub scope2_market_kg: Option<f64>,
    pub scope3_kg: f64,
    pub total_kg: f64,
    pub placements: Vec<InventoryPlacementView>,
    pub factor_sets: Vec<FactorSetUsedView>,
    /// How much of the scope the validated units cover, and the total extrapolated to the rest
    /// (absent from versions published before it was computed).
    #[serde(default)]
    pub coverage: Option<InventoryCoverageView>,
}

/// Coverage of an inventory by validated units (every module validated), by FTE, and the total
/// extrapolated to the units not yet validated.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryCoverageView {
    pub units: usize,
    pub validated_units: usize,
    /// Σ FTE (headcount module) of every unit in scope.
    pub fte: f64,
    pub validated_fte: f64,
    /// `validated_fte / fte`; `None` without any FTE.
    pub fte_share: Option<f64>,
    /// Σ floor area (rooms entered × the unit's share of each) of every unit in scope, and of
    /// the validated units; the share is `None` without any known room (absent from versions
    /// published before floor area was counted).
    #[serde(default)]
    pub floor_area_m2: f64,
    #[serde(default)]
    pub validated_floor_area_m2: f64,
    #[serde(default)]
    pub floor_area_share: Option<f64>,
    /// Σ kg of the validated units.
    pub validated_kg: f64,
    /// The validated units' kg per FTE applied to every unit's FTE; `None` when no validated
    /// unit has FTE.
    pub extrapolated_total_kg: Option<f64>,
    /// How the estimate is made, in words.
    pub method: String,
}

/// `POST /api/v1/backoffice/inventory/publications` (admin): publish the current inventory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishInventoryRequest {
    pub year: i32,
    /// A unit's institutional id; absent for the institution.
    #[serde(default)]
    pub subtree: Option<String>,
    /// Why this version (e.g. "restated after the 2025 electricity factors").
    #[serde(default)]
    pub note: Option<String>,
}

/// A published inventory: frozen as it was reported.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedInventoryView {
    pub publication_id: uuid::Uuid,
    pub year: i32,
    pub subtree: Option<String>,
    pub version: i32,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub published_by: String,
    pub note: Option<String>,
    pub inventory: GhgInventoryView,
}

/// A line of a restatement: as published, as computed now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestatedLineView {
    pub key: String,
    pub label: String,
    pub published_kg: f64,
    pub current_kg: f64,
    pub delta_kg: f64,
}

/// A factor upload since a publication: why its figures may have changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorUploadSinceView {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    /// `year/file`, e.g. `2025/equipments_factors`.
    pub file: String,
}

/// What changed since a publication: the lines that moved, by how much, and the factor uploads
/// that may explain it. Publishing it is a new version; the old one stays as it was.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestatementView {
    pub publication_id: uuid::Uuid,
    pub version: i32,
    pub published_total_kg: f64,
    pub current_total_kg: f64,
    pub delta_kg: f64,
    /// The lines whose figure changed (all lines when `all=true`).
    pub lines: Vec<RestatedLineView>,
    pub factor_uploads_since: Vec<FactorUploadSinceView>,
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Active,
    Expired,
    /// Signed out, or revoked by an administrator (`ended_reason` says which).
    Ended,
}

/// A person's session (`GET /api/v1/backoffice/users/{user}/sessions`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub session_id: uuid::Uuid,
    /// `oidc` (the identity provider) or `dev` (the development sign-in).
    pub via: String,
    pub state: SessionState,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who ended it (an institutional id).
    pub ended_by: Option<String>,
    /// `signed_out`, `signed_out_everywhere` or `revoked`.
    pub ended_reason: Option<String>,
}

/// How many sessions a revocation ended.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsEnded {
    pub ended: u64,
}

/// `POST /api/v1/backoffice/tokens` (admin, from a session): a personal token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateApiTokenRequest {
    pub name: String,
    pub scope: TokenScope,
    /// 1 to 365 days.
    pub expires_in_days: u32,
}

/// Answer of `POST /api/v1/backoffice/tokens`: the secret, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    /// Send as `Authorization: Bearer <secret>`. It cannot be shown again.
    pub secret: String,
    pub token: ApiTokenView,
}

/// An audit log entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// A page of `GET /api/v1/backoffice/audit`, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next_before: Option<i64>,
}

/// `GET /api/v1/backoffice/audit/verify`: the hash chain recomputed from the first entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditChainView {
    pub entries_checked: i64,
    pub intact: bool,
    /// The first entry whose hash does not match (edited or removed history).
    pub first_broken: Option<i64>,
}

/// A choice for a form field, from the year's current factors
/// (`GET /api/v1/reference/factor-choices`): equipment classes with their default hours,
/// purchase codes with their description, fuels, process gases, facilities, providers…
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorChoiceView {
    /// DET name of the entries it serves, e.g. `scientific`.
    pub entry_type: String,
    /// The lookup keys, named as the entry fields that must carry them.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub classification: serde_json::Map<String, serde_json::Value>,
    /// The factor's values (defaults such as usage hours, descriptions, units).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub values: serde_json::Map<String, serde_json::Value>,
}

/// `GET /api/v1/auth/providers`: how one signs in here.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthProviders {
    /// The development sign-in (personas) is available (embedded default only).
    pub dev_login: bool,
    /// The institution's identity provider, when configured.
    pub oidc: Option<OidcProviderView>,
}

/// The institution's identity provider, for the sign-in button.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcProviderView {
    pub name: String,
    /// Open in the browser (append `?return_to=/path`) to start the sign-in.
    pub login_url: String,
}
