/** A closed range of calendar days (`YYYY-MM-DD`, inclusive) and the words it was read from. */
export interface Period {
  from: string;
  to: string;
  text: string;
}
