/**
 * The app's only script, progressive: pages work without it. It copies short
 * URLs to the clipboard and marks a form busy while it is being sent.
 */
export const clientScript = `(() => {
  const live = document.getElementById("live");
  const say = (text) => { if (live) { live.textContent = ""; setTimeout(() => { live.textContent = text; }, 50); } };
  for (const button of document.querySelectorAll("button[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        say("Copied " + button.dataset.copy);
      } catch {
        say("Could not copy; select the address and copy it yourself.");
      }
    });
  }
  for (const form of document.querySelectorAll("form[data-busy]")) {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      if (!button) return;
      setTimeout(() => { button.disabled = true; }, 0);
      button.setAttribute("aria-busy", "true");
      button.textContent = form.dataset.busy;
    });
  }
})();
`;
