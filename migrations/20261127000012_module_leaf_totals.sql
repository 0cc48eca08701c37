-- The Σ kg of each leaf (emission type) of a module's published entries, kept by step-aggregate
-- with the module totals (one scan of the module's emission rows, in the same transaction). The
-- results of a unit-year read these few rows instead of summing every emission row: with
-- 100,000 entries in a module that read took 0.4 s.
create table module_leaf_total (
    report_module_id uuid not null references report_module (report_module_id) on delete cascade,
    emission_type text not null,
    scope smallint not null,
    is_additional boolean not null,
    kg_co2eq double precision not null,
    primary key (report_module_id, emission_type, scope, is_additional)
);

insert into module_leaf_total (report_module_id, emission_type, scope, is_additional, kg_co2eq)
select d.report_module_id, e.emission_type, e.scope, e.is_additional, sum(e.kg_co2eq)
from published_entry d join emission e on e.data_entry_id = d.data_entry_id
group by 1, 2, 3, 4;
