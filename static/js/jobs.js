/*
 * The background job's progress page (templates/jobs/show.html), updated in place.
 *
 * Without this script the page reloads itself (a <meta> refresh inside <noscript>) and
 * has an "Oppdater" link; with it, the bar, the percentage and the status follow the
 * job's status URL (data-status-url, JSON) once a second until the job is finished,
 * and the download link or the error message appears without a reload.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1000;

  function show(box, job) {
    var bar = box.querySelector("#job-progress");
    bar.value = job.progress;
    bar.textContent = job.progress + " %";
    box.querySelector("#job-percent").textContent = job.progress + " %";
    var status = box.querySelector("#job-status");
    if (status.textContent !== job.status_text) {
      status.textContent = job.status_text;
    }
    if (job.error) {
      var error = box.querySelector("#job-error");
      var message = document.createElement("p");
      message.className = "flash flash-error";
      message.textContent = job.error;
      error.replaceChildren(message);
      error.hidden = false;
    }
    if (job.download_url) {
      var download = box.querySelector("#job-download");
      var link = document.createElement("a");
      link.className = "button";
      link.href = job.download_url;
      link.textContent = job.download_text;
      download.replaceChildren(link);
      download.hidden = false;
    }
    box.querySelector("#job-refresh").hidden = job.finished;
  }

  function poll(box) {
    fetch(box.getAttribute("data-status-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (job) {
        show(box, job);
        if (!job.finished) {
          window.setTimeout(poll, INTERVAL_MS, box);
        }
      })
      .catch(function () {
        // A lost connection or a new login: try again; the "Oppdater" link stays.
        window.setTimeout(poll, INTERVAL_MS * 5, box);
      });
  }

  var box = document.querySelector("[data-job]");
  if (box && box.querySelector("#job-refresh") && !box.querySelector("#job-refresh").hidden) {
    window.setTimeout(poll, INTERVAL_MS, box);
  }
})();
