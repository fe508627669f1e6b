import { Grid } from '../../units/grid.entity';
import { Unit } from '../../units/unit.entity';

/** Every entity the data source maps; each domain adds its own here. */
export const entities = [Unit, Grid];
