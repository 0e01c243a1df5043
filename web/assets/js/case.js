// Placeholder for the party's page: takes the token from the fragment.
import { takeToken } from './token.js';

const token = takeToken();
document.getElementById('status').textContent =
  token ? 'Invitation received.' : 'No invitation: open the link you were sent.';
