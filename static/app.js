// Starts GOV.UK Frontend's components; every page works without it.
import { initAll } from './govuk-frontend.min.js'

initAll()
