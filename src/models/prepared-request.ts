/** placeholder */
export class PreparedRequest {}
