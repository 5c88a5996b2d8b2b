// #/reports — placeholder until the customer-care report lands.
import { pageHeader } from '../dom.js';

export function render({ root }) {
  root.append(pageHeader('Reports', 'The customer-care report is being built.'));
}
