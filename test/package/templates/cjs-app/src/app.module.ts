import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueJobModule } from 'nestjs-queue-job';
import { GreetingService } from './greeting.service';

@Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL }),
    QueueJobModule.forRoot({ channels: 'root:1,root.greetings:1' }),
  ],
  providers: [GreetingService],
})
export class AppModule {}
