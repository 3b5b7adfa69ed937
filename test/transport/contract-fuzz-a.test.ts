import { fuzzCommands } from './contract-fuzz'

fuzzCommands(0)
