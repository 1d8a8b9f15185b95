// Segment analytics on the pages of a site with a segment_key (templates/_analytics.html, spec/pages.md §2.4).
// Loads Segment's analytics.js for the key in this script's data-segment-key, records the page view, and
// sends a track event for each click on an element marked data-track-type="click", with the properties of
// its data-track-event-property-<name> attributes. A file, not inline code: the Content-Security-Policy
// allows no inline script, and allows Segment's CDN only on the pages of such sites.
(function () {
  "use strict";

  var script = document.currentScript;
  var key = script && script.getAttribute("data-segment-key");
  if (!key || window.analytics) {
    return;
  }

  // Until analytics.js arrives, calls wait in this array as [method, arguments...]; the library takes
  // over window.analytics when it loads and replays them in order.
  var waiting = [];
  ["page", "track", "identify", "ready"].forEach(function (method) {
    waiting[method] = function () {
      waiting.push([method].concat(Array.prototype.slice.call(arguments)));
      return waiting;
    };
  });
  waiting._writeKey = key;
  window.analytics = waiting;

  var library = document.createElement("script");
  library.async = true;
  library.src = "https://cdn.segment.com/analytics.js/v1/" + encodeURIComponent(key) + "/analytics.min.js";
  document.head.appendChild(library);

  window.analytics.page();

  var PREFIX = "data-track-event-property-";

  function trackedProperties(element) {
    var properties = {};
    Array.prototype.forEach.call(element.attributes, function (attribute) {
      if (attribute.name.indexOf(PREFIX) === 0) {
        properties[attribute.name.slice(PREFIX.length)] = attribute.value;
      }
    });
    return properties;
  }

  document.addEventListener("click", function (event) {
    var element = event.target.closest ? event.target.closest('[data-track-type="click"]') : null;
    if (element) {
      window.analytics.track(element.getAttribute("data-track-event"), trackedProperties(element));
    }
  });
})();
