// Starts the app. A file of its own, not an inline script: the page's Content-Security-Policy
// allows scripts from the app's origin only. Dynamic import, so a failed download is reported
// here instead of leaving the spinner.
import("/co2_web.js")
  .then((glue) => glue.default({ module_or_path: "/co2_web_bg.wasm" }))
  .catch((err) => {
    console.error(err);
    const app = document.getElementById("app");
    const box = document.createElement("div");
    box.className = "boot boot-error";
    box.setAttribute("role", "alert");
    box.textContent = "The application could not start. Reload the page; if it keeps failing, tell the IT manager.";
    app.replaceChildren(box);
  });
