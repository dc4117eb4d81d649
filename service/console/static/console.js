// The console's only script: live statuses, file uploads with progress, entity highlighting, confirmations.
// Loaded from this origin (the pages' Content-Security-Policy allows no inline script).
"use strict";

(function () {
  var POLL_MS = 1500;
  var FINISHED = { done: true, failed: true };
  var csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  var statusUrl = document.querySelector('meta[name="status-url"]').content;

  // --- Statuses that update themselves while articles are queued or processing -----------------------------------

  var polling = false;

  function pendingIds() {
    var ids = [];
    document.querySelectorAll("[data-status-of]").forEach(function (badge) {
      if (!FINISHED[badge.textContent.trim()] && ids.indexOf(badge.dataset.statusOf) < 0) {
        ids.push(badge.dataset.statusOf);
      }
    });
    return ids;
  }

  function showProgress(articleId, progress) {
    document.querySelectorAll('[data-status-of="' + articleId + '"]').forEach(function (badge) {
      if (badge.textContent.trim() !== progress.status) {
        badge.textContent = progress.status;
        badge.className = "status status-" + progress.status;
      }
    });
    if (progress.title) {
      document.querySelectorAll('[data-title-of="' + articleId + '"]').forEach(function (title) {
        title.textContent = progress.title;
      });
    }
  }

  function poll() {
    var ids = pendingIds();
    if (!ids.length) {
      polling = false;
      return;
    }
    polling = true;
    fetch(statusUrl + "?ids=" + encodeURIComponent(ids.join(",")), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          window.location.reload(); // signed out (or the key was revoked): the page sends us to sign in
          throw new Error("signed out");
        }
        return response.json();
      })
      .then(function (answer) {
        Object.keys(answer.articles).forEach(function (articleId) {
          showProgress(articleId, answer.articles[articleId]);
        });
        var waitingFor = document.body.dataset.reloadWhenFinished;
        if (waitingFor && answer.articles[waitingFor] && FINISHED[answer.articles[waitingFor].status]) {
          window.location.reload(); // the article page shows the result once there is one
          return;
        }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        window.setTimeout(poll, POLL_MS * 4);
      });
  }

  function startPolling() {
    if (!polling) {
      window.setTimeout(poll, POLL_MS);
      polling = true;
    }
  }

  // --- Dropped files, one request each, with progress ------------------------------------------------------------

  var UPLOADS_AT_ONCE = 3;

  function uploadRow(file) {
    var row = document.createElement("tr");
    var name = document.createElement("td");
    name.textContent = file.name;
    var progressCell = document.createElement("td");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    progressCell.appendChild(bar);
    var result = document.createElement("td");
    result.textContent = "waiting";
    row.appendChild(name);
    row.appendChild(progressCell);
    row.appendChild(result);
    return { row: row, bar: bar, result: result };
  }

  function uploadOne(url, source, file, view) {
    return new Promise(function (resolve) {
      var request = new XMLHttpRequest();
      var query = "?name=" + encodeURIComponent(file.name) + (source ? "&source=" + encodeURIComponent(source) : "");
      request.open("POST", url + query);
      request.setRequestHeader("X-CSRF-Token", csrfToken);
      request.setRequestHeader("Content-Type", /\.html?$/i.test(file.name) ? "text/html" : "text/plain");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) view.bar.value = Math.round((100 * event.loaded) / event.total);
      });
      request.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = { error: request.statusText }; }
        view.result.textContent = "";
        if (request.status >= 200 && request.status < 300) {
          view.bar.value = 100;
          var link = document.createElement("a");
          link.href = answer.link;
          link.textContent = answer.duplicate ? "already stored" : "open";
          var badge = document.createElement("span");
          badge.className = "status status-" + answer.status;
          badge.dataset.statusOf = answer.id;
          badge.textContent = answer.status;
          view.result.appendChild(badge);
          view.result.appendChild(document.createTextNode(" "));
          view.result.appendChild(link);
          startPolling();
        } else {
          view.result.textContent = answer.error || "refused (" + request.status + ")";
          view.result.className = "problem";
        }
        resolve();
      });
      request.addEventListener("error", function () {
        view.result.textContent = "the upload failed";
        view.result.className = "problem";
        resolve();
      });
      view.result.textContent = "sending";
      request.send(file);
    });
  }

  function uploadAll(zone, files) {
    var table = document.querySelector("table.uploads");
    var body = document.getElementById("uploads");
    var source = document.getElementById("file-source").value.trim();
    table.hidden = false;
    var queue = Array.prototype.map.call(files, function (file) {
      var view = uploadRow(file);
      body.appendChild(view.row);
      return { file: file, view: view };
    });
    function next() {
      var item = queue.shift();
      if (item) return uploadOne(zone.dataset.uploadUrl, source, item.file, item.view).then(next);
      return null;
    }
    for (var i = 0; i < UPLOADS_AT_ONCE; i += 1) next();
  }

  function setUpDropzone(zone) {
    var picker = zone.querySelector('input[type="file"]');
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("over");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("over");
      uploadAll(zone, event.dataTransfer.files);
    });
    picker.addEventListener("change", function () {
      uploadAll(zone, picker.files);
      picker.value = "";
    });
  }

  // --- Entities: select one to highlight its mentions ------------------------------------------------------------

  function setUpEntities() {
    document.querySelectorAll("button.entity").forEach(function (button) {
      button.addEventListener("click", function () {
        var selecting = button.getAttribute("aria-pressed") !== "true";
        document.querySelectorAll("button.entity").forEach(function (other) { other.setAttribute("aria-pressed", "false"); });
        document.querySelectorAll(".mention.selected").forEach(function (mention) { mention.classList.remove("selected"); });
        if (!selecting) return;
        button.setAttribute("aria-pressed", "true");
        var mentions = document.querySelectorAll('.mention[data-entity="' + button.dataset.entity + '"]');
        mentions.forEach(function (mention) { mention.classList.add("selected"); });
        if (mentions.length) mentions[0].scrollIntoView({ block: "center", behavior: "smooth" });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    var zone = document.querySelector(".dropzone");
    if (zone) setUpDropzone(zone);
    setUpEntities();
    if (pendingIds().length) startPolling();
  });
})();
