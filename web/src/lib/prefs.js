// Display preferences: the only things the page keeps in localStorage (never a secret: the session lives in an
// HttpOnly cookie the page cannot read). Every key starts with "maillage.pref.".
const PREFIX = 'maillage.pref.';
export const getPref = (name) => localStorage.getItem(PREFIX + name) || '';
export const setPref = (name, value) => localStorage.setItem(PREFIX + name, value);
