// Upload with progress: the form is sent by XHR so the page can say how much has gone.
// Without JavaScript the form posts as usual. A static module: the CSP allows no inline script.
const form = document.querySelector("form[data-upload]");
const status = document.getElementById("upload-progress");
if (form && status && window.FormData) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        status.textContent = `Uploading: ${Math.floor((100 * e.loaded) / e.total)}%`;
      }
    });
    xhr.addEventListener("load", () => {
      if (xhr.status < 400 && xhr.responseURL !== window.location.href) {
        window.location.assign(xhr.responseURL); // the status page of the upload
        return;
      }
      // refused: show the page's answer (its main part: the form with the errors)
      const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const main = page.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(main);
        document.title = page.title;
        const summary = main.querySelector(".govuk-error-summary");
        if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
      }
      import("./upload.js?again=" + Date.now()); // the new form is sent the same way
    });
    xhr.addEventListener("error", () => { status.textContent = "The upload failed: try again."; });
    status.textContent = "Uploading: 0%";
    xhr.send(new FormData(form));
  });
}
