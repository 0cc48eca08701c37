#!/usr/bin/env bash
# Puts the demo lab's files (unit 9001, year 2025) into the local drop folder once, each under the
# path of its module and entry type, so the embedded server loads them like automated drops.
#   scripts/demo-drop.sh STATE_DIR
set -euo pipefail
state=$1; src="$(dirname "$0")/../data/demo"; dst="$state/dropbox/9001/2025"
[ -e "$state/.demo-dropped" ] && exit 0
while read -r file target; do
  mkdir -p "$(dirname "$dst/$target")"
  cp "$src/$file" "$dst/$target"
done <<'MAP'
headcount_members.csv headcount/member.csv
headcount_students.csv headcount/student.csv
travel_planes.csv professional_travel/plane.csv
travel_trains.csv professional_travel/train.csv
building_rooms.csv buildings/building.csv
building_energycombustions.csv buildings/energy_combustion.csv
equipments.csv equipment.csv
purchases_common.csv purchase.csv
purchases_additional.csv purchase/additional_purchases.csv
researchfacilities_common.csv research_facilities/research_facilities.csv
researchfacilities_animals.csv research_facilities/mice_and_fish_animal_facilities.csv
external_clouds.csv external_cloud_and_ai/external_clouds.csv
external_ai.csv external_cloud_and_ai/external_ai.csv
processemissions.csv process_emissions.csv
MAP
touch "$state/.demo-dropped"
