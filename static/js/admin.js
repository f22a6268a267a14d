/* M-Pact's fixes to markup that Django's admin scripts build (issue 13), loaded on every admin
   page by templates/admin/base_site.html. Each runs once the page is loaded and again whenever
   the admin adds to the page (an inline row, an autocomplete opened), so it holds for what
   Django's own scripts make at any time.

   - An autocomplete field (select2) is a combobox named only by its selected value, so an
     empty one has no name: it is named by the field's label as well (and the read-only
     textbox select2 shows the choice in, by the label).
   - The filter boxes' help icons (filter_horizontal) carry aria-label on a plain span, which
     ARIA prohibits: they become images, so the label still gives the filter box its name.
   - An inline's table that scrolls sideways (on a phone) can be scrolled by keyboard: it is
     a focusable region named by the inline's heading. It stops being one when it fits again.
*/
(function () {
  'use strict';

  function nameComboboxes() {
    document.querySelectorAll('select.admin-autocomplete[id]').forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      if (!label || !container) { return; }
      var combobox = container.querySelector('[role="combobox"]');
      if (!combobox) { return; }
      if (!label.id) { label.id = select.id + '_label'; }
      var rendered = document.getElementById('select2-' + select.id + '-container');
      var names = rendered ? label.id + ' ' + rendered.id : label.id;
      if (combobox.getAttribute('aria-labelledby') !== names) {
        combobox.setAttribute('aria-labelledby', names);
      }
      // Inside it, select2 shows the choice in a read-only textbox of its own: named the same.
      if (rendered && rendered.getAttribute('aria-labelledby') !== label.id) {
        rendered.setAttribute('aria-labelledby', label.id);
      }
    });
  }

  function fixHelpIcons() {
    document.querySelectorAll('.help-tooltip[aria-label]:not([role])').forEach(function (icon) {
      icon.setAttribute('role', 'img');
    });
  }

  function markScrollingInlines() {
    document.querySelectorAll('#content-main .inline-group').forEach(function (group) {
      var scrolls = group.scrollWidth > group.clientWidth + 1;
      var marked = group.getAttribute('data-mpact-region') === 'yes';
      if (scrolls && !marked) {
        var heading = group.querySelector('h2[id], .inline-heading[id]');
        group.setAttribute('tabindex', '0');
        group.setAttribute('role', 'region');
        if (heading) { group.setAttribute('aria-labelledby', heading.id); }
        group.setAttribute('data-mpact-region', 'yes');
      } else if (!scrolls && marked) {
        group.removeAttribute('tabindex');
        group.removeAttribute('role');
        group.removeAttribute('aria-labelledby');
        group.removeAttribute('data-mpact-region');
      }
    });
  }

  function fixAll() {
    nameComboboxes();
    fixHelpIcons();
    markScrollingInlines();
  }

  var pending = false;
  function fixSoon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fixAll();
    });
  }

  function start() {
    fixAll();
    new MutationObserver(function (mutations) {
      // Only additions matter; the attributes set here are not watched, so this settles.
      for (var i = 0; i < mutations.length; i++) {
        if (mutations[i].addedNodes.length) { fixAll(); return; }
      }
    }).observe(document.body, {childList: true, subtree: true});
    window.addEventListener('resize', fixSoon);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
  window.addEventListener('load', fixAll);
}());
