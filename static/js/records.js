/* Learner records: copy links, Share (create the public link) and Send to a credit pathway.
 * No build step, no dependencies. The server answers the POSTs with JSON (records/views.py). */
(function () {
  "use strict";

  function copyText(text, input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-http origins: select the text and use the legacy copy command.
    return new Promise(function (resolve, reject) {
      var field = input;
      if (!field) {
        field = document.createElement("textarea");
        field.value = text;
        field.setAttribute("readonly", "");
        field.style.position = "fixed";
        field.style.opacity = "0";
        document.body.appendChild(field);
      }
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      if (!input) { document.body.removeChild(field); }
      if (copied) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  /* Records list: "Copy link" next to each earned certificate. */
  document.querySelectorAll(".js-copy-link").forEach(function (button) {
    button.addEventListener("click", function () {
      var status = button.parentElement.querySelector(".copy-status");
      copyText(button.getAttribute("data-link")).then(function () {
        status.textContent = button.getAttribute("data-msg-copied");
        button.classList.add("is-copied");
      }, function () {
        status.textContent = button.getAttribute("data-link");
      });
    });
  });

  var config = document.getElementById("record-config");
  if (!config) { return; }
  var username = config.getAttribute("data-username");
  var csrfToken = config.querySelector("input[name=csrfmiddlewaretoken]").value;
  function message(name) { return config.getAttribute("data-msg-" + name) || ""; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, "Accept": "application/json" },
      body: JSON.stringify(body)
    });
  }

  function showState(dialog, attribute, state) {
    dialog.querySelectorAll("[" + attribute + "]").forEach(function (element) {
      element.hidden = element.getAttribute(attribute) !== state;
    });
  }

  function openDialog(dialog) {
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
  }

  /* Share: POST once, then show the link with a Copy button. */
  var shareDialog = document.getElementById("share-dialog");
  var shareButton = document.getElementById("share-button");
  var shareLink = document.getElementById("share-link");
  var shareCopied = document.getElementById("share-copied");
  if (shareButton && shareDialog) {
    shareButton.addEventListener("click", function () {
      showState(shareDialog, "data-state", "loading");
      shareCopied.textContent = "";
      openDialog(shareDialog);
      post(config.getAttribute("data-share-url"), { username: username }).then(function (response) {
        if (!response.ok) { throw response; }
        return response.json();
      }).then(function (data) {
        shareLink.value = data.url;
        showState(shareDialog, "data-state", "ready");
        shareLink.focus();
        shareLink.select();
      }).catch(function (error) {
        var detail = shareDialog.querySelector(".dialog-error-detail");
        if (error && error.status === 429) { detail.textContent = message("throttled"); }
        showState(shareDialog, "data-state", "error");
      });
    });
    document.getElementById("copy-share-link").addEventListener("click", function () {
      copyText(shareLink.value, shareLink).then(function () {
        shareCopied.textContent = message("copied");
      }, function () {
        shareLink.select();
        shareCopied.textContent = message("copy-failed");
      });
    });
  }

  /* Send: choose credit partners, confirm, POST once per partner, then mark them sent. */
  var sendDialog = document.getElementById("send-dialog");
  var sendButton = document.getElementById("send-button");
  if (sendButton && sendDialog) {
    var nextButton = document.getElementById("send-next");
    var confirmButton = document.getElementById("send-confirm");
    var confirmList = document.getElementById("send-confirm-list");
    var sendStatus = document.getElementById("send-status");
    var boxes = sendDialog.querySelectorAll("input[name=pathway]");
    var checked = function () {
      return Array.prototype.filter.call(boxes, function (box) { return box.checked && !box.disabled; });
    };
    boxes.forEach(function (box) {
      box.addEventListener("change", function () { nextButton.disabled = checked().length === 0; });
    });
    sendButton.addEventListener("click", function () {
      showState(sendDialog, "data-step", "choose");
      sendStatus.textContent = "";
      sendStatus.className = "dialog-status";
      nextButton.disabled = checked().length === 0;
      openDialog(sendDialog);
    });
    shareDialog && document.getElementById("share-to-send") && document.getElementById("share-to-send").addEventListener("click", function () {
      shareDialog.close();
      sendButton.click();
    });
    nextButton.addEventListener("click", function () {
      confirmList.textContent = "";
      checked().forEach(function (box) {
        var item = document.createElement("li");
        item.textContent = box.getAttribute("data-name");
        confirmList.appendChild(item);
      });
      showState(sendDialog, "data-step", "confirm");
      confirmButton.focus();
    });
    document.getElementById("send-back").addEventListener("click", function () {
      showState(sendDialog, "data-step", "choose");
    });
    confirmButton.addEventListener("click", function () {
      var chosen = checked();
      confirmButton.disabled = true;
      sendStatus.className = "dialog-status";
      sendStatus.textContent = message("sending");
      var url = config.getAttribute("data-send-url");
      Promise.all(chosen.map(function (box) {
        return post(url, { username: username, pathway_id: Number(box.value) }).then(function (response) {
          if (!response.ok) { throw response; }
          box.checked = false;
          box.disabled = true;
          box.closest(".pathway-choice").classList.add("is-disabled", "is-sent");
          box.parentElement.querySelector(".pathway-state").textContent = message("sent-suffix");
        });
      })).then(function () {
        sendStatus.className = "dialog-status alert alert-success";
        sendStatus.textContent = message("sent");
      }).catch(function (error) {
        sendStatus.className = "dialog-status alert alert-danger";
        sendStatus.textContent = error && error.status === 429 ? message("throttled") : message("send-failed");
      }).then(function () {
        confirmButton.disabled = false;
        showState(sendDialog, "data-step", "choose");
        nextButton.disabled = checked().length === 0;
      });
    });
  }
})();
