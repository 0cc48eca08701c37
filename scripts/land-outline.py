#!/usr/bin/env python3
"""Writes the land outline the trips map draws (frontend-dioxus/src/map/land-110m.path): Natural
Earth's 1:110m land (public domain), as redistributed in TopoJSON by the npm package world-atlas
(ISC), decoded and projected equirectangularly onto a 360 × 180 box (x = longitude + 180,
y = 90 − latitude) as one SVG path, to a tenth of a degree.

    npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
    python3 scripts/land-outline.py package/land-110m.json > frontend-dioxus/src/map/land-110m.path
"""
import json
import sys


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indices):
    points = []
    for i in indices:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points


def main(path):
    topo = json.load(open(path))
    arcs = decode_arcs(topo)
    polygons = []
    for geometry in topo["objects"]["land"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons.append(geometry["arcs"])
        elif geometry["type"] == "MultiPolygon":
            polygons.extend(geometry["arcs"])
    out = []
    for polygon in polygons:
        for indices in polygon:
            points = ring(arcs, indices)
            cmds = []
            last = None
            for lon, lat in points:
                p = (round(lon + 180, 1), round(90 - lat, 1))
                if p != last:
                    cmds.append(f"{p[0]:g} {p[1]:g}")
                    last = p
            if len(cmds) >= 3:
                out.append("M" + "L".join(cmds) + "Z")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
