// GOV.UK Frontend's components (a static file: the CSP allows no inline script)
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();
