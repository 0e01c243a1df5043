// The invitation's token travels in the address's fragment (#token=...), which the
// browser never sends: it is moved into sessionStorage and removed from the address bar.
export function takeToken(storage = sessionStorage) {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token) {
    storage.setItem('nakodo.token', token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return storage.getItem('nakodo.token');
}
