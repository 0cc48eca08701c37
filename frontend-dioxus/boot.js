// Starts the app. A file of its own, not an inline script: the page's Content-Security-Policy
// allows scripts from the app's origin only. Dynamic import, so a failed download is reported
// here instead of leaving the spinner.
//
// Two bundles of one app (scripts/build-spa.sh): the first load, and the full app for the
// addresses below (the IT manager's area, a unit's simulation and plans) — the same rule as
// `FULL_APP_PATHS` in src/routes.rs, whose tests check this file holds it.
const FULL_APP_PATHS = ["^/it-manager(/|$)", "^/units/[^/]+/years/[^/]+/(simulation|plans)$"];
const full = FULL_APP_PATHS.some((p) => new RegExp(p).test(location.pathname));
if (full) sessionStorage.removeItem("co2-full-app-reload");
const [glue, wasm] = full ? ["/co2_full.js", "/co2_full_bg.wasm"] : ["/co2_web.js", "/co2_web_bg.wasm"];
import(glue)
  .then((app) => app.default({ module_or_path: wasm }))
  .catch((err) => {
    console.error(err);
    const root = document.getElementById("app");
    const box = document.createElement("div");
    box.className = "boot boot-error";
    box.setAttribute("role", "alert");
    box.textContent = "The application could not start. Reload the page; if it keeps failing, tell the IT manager.";
    root.replaceChildren(box);
  });
