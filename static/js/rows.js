/*
 * "Add row" / "remove row" for repeated field groups, as progressive enhancement.
 *
 * Markup (the page works without this script: the buttons are submit buttons the server
 * answers by re-rendering the form with one row more or less, keeping what was typed):
 *
 *   <div data-rows data-next-index="2">
 *     <div data-rows-list>
 *       <div data-row> ... <button type="submit" name="remove_row" value="0" data-remove-row>
 *     </div>
 *     <template> one row, with __index__ wherever the row number goes </template>
 *     <button type="submit" name="add_row" value="1" data-add-row>Legg til flere rader</button>
 *   </div>
 *
 * __index__ is replaced in attribute values and text; data-next-index is the first index
 * the server has not used (FieldList's last_index + 1), so new names never collide.
 * Optional: data-rows-max on the container caps the number of rows.
 */
(function () {
  "use strict";

  var PLACEHOLDER = /__index__/g;

  function fill(node, index) {
    if (node.nodeType === Node.TEXT_NODE) {
      node.nodeValue = node.nodeValue.replace(PLACEHOLDER, index);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    Array.prototype.forEach.call(node.attributes, function (attribute) {
      if (attribute.value.indexOf("__index__") !== -1) {
        attribute.value = attribute.value.replace(PLACEHOLDER, index);
      }
    });
    Array.prototype.forEach.call(node.childNodes, function (child) {
      fill(child, index);
    });
  }

  function rowsOf(container) {
    return Array.prototype.filter.call(
      container.querySelectorAll("[data-row]"),
      function (row) { return row.closest("[data-rows]") === container; }
    );
  }

  function firstInput(element) {
    return element.querySelector("input:not([type=hidden]), select, textarea");
  }

  function addRow(container) {
    var template = container.querySelector("template");
    if (!template) {
      return;
    }
    var max = parseInt(container.getAttribute("data-rows-max") || "0", 10);
    if (max && rowsOf(container).length >= max) {
      return;
    }
    var index = parseInt(container.getAttribute("data-next-index") || "0", 10);
    container.setAttribute("data-next-index", String(index + 1));
    var fragment = template.content.cloneNode(true);
    Array.prototype.forEach.call(fragment.childNodes, function (child) {
      fill(child, String(index));
    });
    var row = fragment.querySelector("[data-row]");
    var list = container.querySelector("[data-rows-list]") || container;
    if (list === container) {
      container.insertBefore(fragment, template);
    } else {
      list.appendChild(fragment);
    }
    var focus = row && firstInput(row);
    if (focus) {
      focus.focus();
    }
  }

  function removeRow(container, button) {
    var row = button.closest("[data-row]");
    if (!row) {
      return;
    }
    var rows = rowsOf(container);
    var position = rows.indexOf(row);
    row.parentNode.removeChild(row);
    // Keep keyboard users in place: the next row, else the previous, else "add".
    var remaining = rowsOf(container);
    var target = remaining[Math.min(position, remaining.length - 1)];
    var focus = (target && firstInput(target)) || container.querySelector("[data-add-row]");
    if (focus) {
      focus.focus();
    }
  }

  function enhance(container) {
    container.addEventListener("click", function (event) {
      var add = event.target.closest("[data-add-row]");
      if (add && add.closest("[data-rows]") === container) {
        event.preventDefault();
        addRow(container);
        return;
      }
      var remove = event.target.closest("[data-remove-row]");
      if (remove && remove.closest("[data-rows]") === container) {
        event.preventDefault();
        removeRow(container, remove);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rows]"), enhance);
  });
})();
