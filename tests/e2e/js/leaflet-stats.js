// Inside a map iframe: Leaflet layers by kind (model) and what the DOM draws.
() => {
  const s = {leaflet: typeof L !== 'undefined', maps: 0, circleMarkers: 0, markers: 0, lines: 0,
             polygons: 0, svgPaths: document.querySelectorAll('path.leaflet-interactive').length,
             markerIcons: 0, brokenIcons: [], tiles: document.querySelectorAll('img.leaflet-tile').length,
             timelineControl: !!document.querySelector('.leaflet-control.time-control, .leaflet-timeline-control'),
             layerControl: !!document.querySelector('.leaflet-control-layers')};
  document.querySelectorAll('img.leaflet-marker-icon').forEach(img => {
    s.markerIcons++;
    if (!(img.complete && img.naturalWidth > 0)) s.brokenIcons.push(img.getAttribute('src') || '(no src)');
  });
  if (!s.leaflet) return s;
  for (const key of Object.keys(window)) {
    let v;
    try { v = window[key]; } catch (e) { continue; }
    if (!(v instanceof L.Map)) continue;
    s.maps++;
    v.eachLayer(l => {
      if (l instanceof L.CircleMarker) s.circleMarkers++;
      else if (l instanceof L.Marker) s.markers++;
      else if (l instanceof L.Polygon) s.polygons++;
      else if (l instanceof L.Polyline) s.lines++;
    });
  }
  return s;
}
