// Help centre (start page, /hilfe/ and the articles): the search and the feedback widget.
import { initSearch } from "../help/help-search.js";
import { initFeedback } from "../help/help-feedback.js";

document.querySelectorAll("form.help-search").forEach(initSearch);
const feedback = document.getElementById("feedback");
if (feedback) initFeedback(feedback);
