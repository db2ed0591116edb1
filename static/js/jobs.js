/*
 * The background job's progress page (templates/jobs/show.html), updated in place.
 *
 * Without this script the page reloads itself (a <meta> refresh inside <noscript>) and
 * has an "Oppdater" link; with it, the bar, the percentage and the status follow the
 * job's status URL (data-status-url, JSON) once a second until the job is finished,
 * and the download link or the error message appears without a reload. A job that makes
 * no file (the invitations) sends its report instead: the summary and the people who did
 * not get their invitation fill the page's report section (templates/jobs/_report.html).
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
    if (job.report) {
      showReport(job.report);
    }
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function showReport(report) {
    var section = document.getElementById("job-report");
    if (!section) {
      return;
    }
    section.querySelector("#job-summary").textContent = report.summary;
    var skipped = section.querySelector("#job-skipped");
    skipped.textContent = report.skipped;
    skipped.hidden = !report.skipped;
    var rows = report.failures.map(function (person) {
      var row = document.createElement("tr");
      cell(row, person.name);
      cell(row, person.email);
      cell(row, person.reason);
      return row;
    });
    section.querySelector("#job-failure-rows").replaceChildren.apply(
      section.querySelector("#job-failure-rows"),
      rows
    );
    section.querySelector("#job-failures").hidden = rows.length === 0;
    section.hidden = false;
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
