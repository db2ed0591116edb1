/*
 * Search as you type in the school's pupil register, as progressive enhancement of the
 * meldeskjema (templates/reports/new.html, views/reports/pupil_picking.py).
 *
 * Without this script the form's "Søk" button posts the form and the page lists the
 * matches as "Velg …" buttons. With it, a text field inside [data-pupil-search] becomes an
 * ARIA 1.2 combobox: after a pause in typing (at least two characters, as the server's
 * register.SEARCH_MIN) the script sends the very request "Søk" sends (the whole form, with
 * the CSRF token; a session that ran out keeps what was typed, web/gate.py) and asks for
 * JSON; the matches appear in a listbox under the field, and a live region says how many.
 * Arrow keys move through the list (the focus stays in the field, aria-activedescendant),
 * Enter picks, Escape closes the list (and clears the field when it is closed already).
 *
 *   data-pupil-search="register"  the pupil the report is about: picking fills the hidden
 *                                 pupil_id and the name and class fields; typing in the
 *                                 name or class afterwards unties it again
 *   data-pupil-search="name"      another pupil's row: picking fills in the name, and the
 *                                 hidden field named in data-pupil-id-field (optional) with
 *                                 the pupil's id; typing in the name afterwards unties it
 *
 * Only in a form marked data-pupil-search-form (the school has a register to search), whose
 * data-pupil-* attributes hold the texts (the translation layer, not this file).
 * New rows (static/js/rows.js) are enhanced when their field first gets the focus.
 */
(function () {
  "use strict";

  var MIN_CHARACTERS = 2;
  var PAUSE_MS = 250;
  var counter = 0;

  function text(form, name) {
    return form.getAttribute("data-pupil-" + name) || "";
  }

  function Combobox(input, mode, idField) {
    this.input = input;
    this.form = input.form;
    this.mode = mode;
    // The other pupil's hidden pupil_id (data-pupil-id-field); null when there is none.
    this.idField = idField ? this.form.elements.namedItem(idField) : null;
    this.options = [];
    this.active = -1;
    this.timer = null;
    this.sent = 0;
    this.shownQuery = null;
    counter += 1;
    var base = (input.id || "pupil-search-" + counter) + "-";

    this.list = document.createElement("ul");
    this.list.id = base + "list";
    this.list.className = "pupil-search-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", text(this.form, "list-label"));
    this.list.hidden = true;

    this.status = document.createElement("p");
    this.status.id = base + "status";
    this.status.className = "hint pupil-search-status";
    this.status.setAttribute("role", "status");

    input.insertAdjacentElement("afterend", this.status);
    input.insertAdjacentElement("afterend", this.list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("data-pupil-search-ready", "");

    var self = this;
    input.addEventListener("input", function () { self.typed(); self.untie(); });
    input.addEventListener("keydown", function (event) { self.key(event); });
    input.addEventListener("blur", function () { self.close(); });
    // The focus stays in the field when an option is pressed with the mouse.
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        self.pick(self.options[parseInt(option.getAttribute("data-index"), 10)]);
      }
    });
    if (mode === "register") {
      this.watchTypedPupil();
    }
  }

  Combobox.prototype.query = function () {
    return this.input.value.trim();
  };

  Combobox.prototype.typed = function () {
    window.clearTimeout(this.timer);
    if (this.query().replace(/\s+/g, "").length < MIN_CHARACTERS) {
      this.sent += 1; // an answer still on its way is no longer wanted
      this.shownQuery = null;
      this.show([]);
      this.say("");
      return;
    }
    var self = this;
    this.timer = window.setTimeout(function () { self.search(); }, PAUSE_MS);
  };

  Combobox.prototype.search = function () {
    window.clearTimeout(this.timer);
    var query = this.query();
    if (query.replace(/\s+/g, "").length < MIN_CHARACTERS) {
      return;
    }
    var data = new FormData(this.form);
    data.set("pupil_search", query);
    data.set("search_pupil", "1");
    this.sent += 1;
    var mine = this.sent;
    var self = this;
    fetch(this.form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      // A redirect is the login page: followed here, it would eat its messages.
      redirect: "manual",
    })
      .then(function (response) {
        if (response.type === "opaqueredirect") {
          // Logged out (the session ran out): the form was kept for after the login.
          window.location.assign(text(self.form, "login-url"));
          return null;
        }
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        if (answer && mine === self.sent) {
          self.shownQuery = query;
          self.show(answer.pupils);
          self.say(answer.status);
        }
      })
      .catch(function () {
        if (mine === self.sent) {
          self.show([]);
          self.say(text(self.form, "failed"));
        }
      });
  };

  Combobox.prototype.show = function (pupils) {
    this.options = pupils;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    var list = this.list;
    var base = list.id + "-";
    list.replaceChildren();
    pupils.forEach(function (pupil, index) {
      var option = document.createElement("li");
      option.id = base + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      option.textContent = pupil.label;
      list.appendChild(option);
    });
    var open = pupils.length > 0 && document.activeElement === this.input;
    list.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
  };

  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.open = function () {
    if (this.options.length) {
      this.list.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }
  };

  Combobox.prototype.move = function (step) {
    var count = this.options.length;
    if (!count) {
      return;
    }
    this.open();
    var next = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
    var previous = this.list.children[this.active];
    if (previous) {
      previous.setAttribute("aria-selected", "false");
    }
    var option = this.list.children[next];
    option.setAttribute("aria-selected", "true");
    option.scrollIntoView({ block: "nearest" });
    this.active = next;
    this.input.setAttribute("aria-activedescendant", option.id);
  };

  Combobox.prototype.key = function (event) {
    var opened = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!this.options.length || this.shownQuery !== this.query()) {
        this.search();
        return;
      }
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      if (opened && this.active >= 0) {
        event.preventDefault(); // picks; does not send the form
        this.pick(this.options[this.active]);
      } else if (this.mode === "register") {
        event.preventDefault(); // Enter in a search field searches
        this.search();
      }
    } else if (event.key === "Escape") {
      if (opened) {
        event.preventDefault();
        this.close();
      } else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
        this.typed();
      }
    } else if (event.key === "Tab") {
      this.close();
    }
  };

  Combobox.prototype.pick = function (pupil) {
    if (!pupil) {
      return;
    }
    this.close();
    if (this.mode === "name") {
      this.input.value = pupil.name;
      if (this.idField) {
        this.idField.value = String(pupil.id);
        this.say(text(this.form, "picked") + " " + pupil.label);
      } else {
        this.say("");
      }
      return;
    }
    var fields = this.form.elements;
    fields.namedItem("pupil_id").value = String(pupil.id);
    fields.namedItem("pupil_name").value = pupil.name;
    fields.namedItem("pupil_class").value = pupil["class"];
    // The name alone: searched again, it finds the same pupil.
    this.input.value = pupil.name;
    this.shownQuery = null;
    this.say(text(this.form, "picked") + " " + pupil.label);
  };

  Combobox.prototype.watchTypedPupil = function () {
    // A name or class typed after the pick is another pupil than the register's.
    var self = this;
    ["pupil_name", "pupil_class"].forEach(function (name) {
      var field = self.form.elements.namedItem(name);
      if (!field || field.type === "hidden") {
        return;
      }
      field.addEventListener("input", function () {
        var id = self.form.elements.namedItem("pupil_id");
        if (id && id.value) {
          id.value = "";
          self.say(text(self.form, "unpicked"));
        }
      });
    });
  };

  Combobox.prototype.untie = function () {
    // A name typed after the pick is another pupil than the register's.
    if (this.idField && this.idField.value) {
      this.idField.value = "";
      this.say(text(this.form, "unpicked"));
    }
  };

  Combobox.prototype.say = function (message) {
    if (this.status.textContent !== message) {
      this.status.textContent = message;
    }
  };

  function fieldOf(box) {
    return box.querySelector("input[type=text], input[type=search], input:not([type])");
  }

  function enhance(box) {
    var input = fieldOf(box);
    if (
      input && input.form && input.form.hasAttribute("data-pupil-search-form")
      && !input.hasAttribute("data-pupil-search-ready")
    ) {
      var mode = box.getAttribute("data-pupil-search");
      return new Combobox(input, mode, box.getAttribute("data-pupil-id-field"));
    }
    return null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-pupil-search]"), enhance);
    // Rows added in the page (rows.js) are enhanced when their field is first used.
    document.addEventListener("focusin", function (event) {
      var box = event.target.closest && event.target.closest("[data-pupil-search]");
      if (box && !box.closest("template")) {
        enhance(box);
      }
    });
  });
})();
